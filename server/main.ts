/**
 * `npm start`'s server (issue 13, decision 017): one process per core, one port, two doors. The
 * tRPC endpoint and the CSV exports are answered on node:http by server/http/node.ts (the same
 * refusals, procedures, context, route handlers and headers as under Next); every other request
 * goes to Next's request handler (a custom server, as Next documents it): pages, sign-in/out,
 * static files, proxy.ts's nonce CSP.
 *
 *   node dist/server.mjs [-p PORT] [-H HOSTNAME]      (built by `npm run build`)
 *
 * With DATABASE_URL the primary process prepares the database once (migrations, demo seed), then
 * forks WEB_CONCURRENCY workers (default one per core) sharing the port (node:cluster). With the
 * embedded PGlite it serves in one process: PGlite's data folder allows a single opener.
 *
 * SIGTERM (or SIGINT): stop accepting connections, answer any new request on a kept-alive
 * connection with 503 and close it, let in-flight requests finish (a payment commits, an export
 * runs to its end) for up to SHUTDOWN_GRACE_SECONDS, then cut what is left (an export's cancel
 * path releases its connection), close the pool and exit 0.
 */
import cluster from "node:cluster";
import http, { type ServerResponse } from "node:http";
import os from "node:os";
import v8 from "node:v8";
import { appDatabase } from "@/db";
import { ConfigError, parseEntryEnv, serverEnv } from "@/server/env";
import { serveApi } from "@/server/http/node";
import { stopJobs } from "./jobs/start";

// V8 moves objects from an allocation site that often outlives a young-generation collection
// straight to the old generation ("pretenuring"). Under load every request's objects are in flight
// at some collection, so V8 pretenured the per-request rows and strings of a page: they died in the
// old generation, each young collection took 2–4 ms instead of ~1 and the heap grew until a full
// collection. Off for the serving processes (decision 019, its addendum of 2026-12-01).
v8.setFlagsFromString("--no-allocation-site-pretenuring");

// Next and React pick their production builds from NODE_ENV; `next start` sets it the same way.
(process.env as Record<string, string | undefined>).NODE_ENV ??= "production";

const who = () =>
  cluster.isWorker ? `worker ${cluster.worker?.id} (pid ${process.pid})` : `pid ${process.pid}`;
const log = (...args: unknown[]) => console.log(`[server] ${who()}:`, ...args);

function arg(short: string, long: string): string | undefined {
  const a = process.argv;
  const i = a.findIndex((x) => x === short || x === long);
  return i >= 0 ? a[i + 1] : undefined;
}

function settings() {
  try {
    const env = serverEnv();
    const entry = parseEntryEnv();
    const port = arg("-p", "--port") ?? String(entry.port);
    if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535)
      throw new ConfigError([`-p ${JSON.stringify(port)}: must be a port number from 1 to 65535`]);
    return { env, entry, port: Number(port), hostname: arg("-H", "--hostname") };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`\n${e.message}\n\nThe server did not start. See "Configuration" in README.md.\n`);
    process.exit(1);
  }
}

/** One serving process: Next plus the API door on one node:http server, and its graceful shutdown. */
async function serve(port: number, hostname: string | undefined, graceSeconds: number) {
  await appDatabase(); // opens, migrates, seeds an empty database (a no-op after the primary did it)
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: process.cwd(), port, hostname });
  await app.prepare();
  const handleNext = app.getRequestHandler();

  const active = new Set<ServerResponse>();
  let draining = false;
  let drained: (() => void) | null = null;

  const server = http.createServer((req, res) => {
    if (draining) {
      // A request on a connection kept alive from before SIGTERM: refused, and the connection closed.
      res.shouldKeepAlive = false;
      res.writeHead(503, { "Content-Type": "text/plain", "Retry-After": "1", "Cache-Control": "no-store" });
      res.end("The server is restarting; try again.\n");
      return;
    }
    active.add(res);
    res.once("close", () => {
      active.delete(res);
      if (active.size === 0) drained?.();
    });
    const api = serveApi(req, res);
    Promise.resolve(api === false ? handleNext(req, res) : api).catch((e) => {
      console.error("request failed:", e);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host: hostname }, resolve);
  });
  log(`listening on http://${hostname ?? "localhost"}:${port}`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      draining = true;
      log(`${signal}: draining ${active.size} request(s) in flight (up to ${graceSeconds} s)`);
      server.close();
      server.closeIdleConnections();
      for (const res of active) if (!res.headersSent) res.shouldKeepAlive = false;
      if (active.size > 0) {
        const inTime = await Promise.race([
          new Promise<boolean>((r) => {
            drained = () => r(true);
          }),
          new Promise<boolean>((r) => setTimeout(() => r(false), graceSeconds * 1000).unref()),
        ]);
        if (!inTime) {
          log(`grace period over: cutting ${active.size} request(s)`);
          for (const res of active) res.destroy();
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      server.closeAllConnections();
      // The job queue's own connections (decision 016) close with the pool.
      await stopJobs().catch((e: unknown) =>
        log(`jobs did not stop cleanly: ${e instanceof Error ? e.message : e}`),
      );
      await (await appDatabase()).close();
      await app.close().catch(() => {});
      log("stopped");
      process.exit(0);
    })();
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

async function main() {
  const { env, entry, port, hostname } = settings();
  if (cluster.isWorker) return serve(port, hostname, entry.shutdownGraceSeconds);

  if (!env.databaseUrl) {
    log(
      `embedded database (PGlite, ${env.pgliteDir}): one process${entry.webConcurrency ? `, WEB_CONCURRENCY ignored` : ""} (its data folder allows a single opener; set DATABASE_URL for one worker per core)`,
    );
    return serve(port, hostname, entry.shutdownGraceSeconds);
  }
  const workers = entry.webConcurrency ?? os.availableParallelism();
  if (workers === 1) {
    log("PostgreSQL: one process (WEB_CONCURRENCY=1)");
    return serve(port, hostname, entry.shutdownGraceSeconds);
  }

  // Migrations and the demo seed once, before any worker opens the database.
  await (await appDatabase()).close();
  log(`PostgreSQL: ${workers} workers${entry.webConcurrency ? " (WEB_CONCURRENCY)" : " (one per core)"}`);
  let stopping = false;
  let failed = false;
  const listening = new Set<number>();
  const fork = () => {
    const w = cluster.fork();
    w.once("listening", () => listening.add(w.id));
  };
  for (let i = 0; i < workers; i++) fork();
  cluster.on("exit", (w, code, signal) => {
    const started = listening.delete(w.id);
    if (code !== 0) failed = true;
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
      return;
    }
    if (!started) {
      console.error(`[server] worker ${w.id} exited (${signal ?? code}) before listening: stopping`);
      stopping = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill("SIGTERM");
      process.exitCode = 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
      return;
    }
    console.error(`[server] worker ${w.id} exited (${signal ?? code}); starting another`);
    fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping ${Object.keys(cluster.workers ?? {}).length} worker(s)`);
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
