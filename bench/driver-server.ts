/**
 * bench:driver's HTTP server: the app's tRPC router on node:http with the Node entry's own door
 * (`serveApi`, server/http/node.ts: the same adapter, options, refusals and context), but with the
 * database handle of one driver — `pg` (openDatabase, what the app runs) or `postgres.js` (as before
 * decision 018). Run as a child of bench/driver.ts: `BENCH_DRIVER=pg PORT=… tsx bench/driver-server.ts`.
 */
import http from "node:http";
import { openDatabase } from "@/db/client";
import { provideAppDatabase } from "@/db";
import { serveApi } from "@/server/http/node";
import { BENCH_URL } from "./lib";
import { postgresJsHandle } from "./old-driver";

const driver = process.env.BENCH_DRIVER;
const handle =
  driver === "pg"
    ? await openDatabase({ url: BENCH_URL, poolMax: 10 })
    : driver === "postgres.js"
      ? postgresJsHandle(BENCH_URL)
      : null;
if (!handle) throw new Error(`BENCH_DRIVER must be pg or postgres.js, not ${driver}`);
// The app's procedures find the database through appDatabase(): hand it this one before the first request.
provideAppDatabase(handle);

const server = http.createServer((req, res) => {
  const served = serveApi(req, res);
  if (served === false) {
    res.statusCode = 404;
    res.end();
  }
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("ready"));
process.on("SIGTERM", () => {
  server.close();
  void handle.close().then(() => process.exit(0));
});
