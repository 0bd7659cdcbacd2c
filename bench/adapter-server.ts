/**
 * bench:list's and bench:pay's "before decision 019" door: the app's API on node:http through the
 * entry's own `serveApi` (the same refusals, headers and context), but with tRPC's Node adapter
 * answering every tRPC call (`answerByAdapter`), as the entry did from decision 017 until 019.
 * Started by bench/lib.ts (`startServer(env, port, ADAPTER)`): `PORT=… tsx bench/adapter-server.ts`.
 * With the entry's V8 setting (server/main.ts), so the two differ only in the door.
 */
import http from "node:http";
import v8 from "node:v8";
import { appDatabase } from "@/db";
import { serveApi } from "@/server/http/node";
import { answerByAdapter } from "@/server/http/trpc-node";

v8.setFlagsFromString("--no-allocation-site-pretenuring");
const handle = await appDatabase();
const server = http.createServer((req, res) => {
  if (serveApi(req, res, answerByAdapter) === false) res.writeHead(404).end();
});
server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
  void handle.close().then(() => process.exit(0));
});
