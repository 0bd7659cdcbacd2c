/**
 * Starts the scheduled work in the server process (instrumentation.ts), once per process:
 * - PostgreSQL: the pg-boss queue (server/jobs/queue.ts), which any number of processes share;
 * - PGlite: the expiry scan (and its digests) on an in-process timer, every 30 minutes and once at
 *   start-up. PGlite has one connection in one process, so there is no queue to share and no second
 *   worker; pg-boss needs a `pg` connection and cannot run on it (decision 016). The cycle close is
 *   not on the timer: the embedded database is the demo, whose last month waits for the operator's
 *   "Close a billing cycle" (or `npm run close-cycle` / `npm run jobs -- run cycle-close`).
 * JOBS=off leaves it to another process (`npm run jobs -- worker`).
 */
import type { DatabaseHandle } from "@/db/client";
import { serverEnv } from "@/server/env";
import { JOBS, runJob } from "./tasks";

const KEY = Symbol.for("voucher-console.jobs");
type Holder = { [KEY]?: { stop: () => Promise<void> } };
export const PGLITE_INTERVAL_MS = 30 * 60 * 1000;

export async function startJobs(handle: DatabaseHandle): Promise<void> {
  const g = globalThis as Holder;
  if (g[KEY] || !serverEnv().jobs) return;
  g[KEY] = { stop: async () => {} };
  if (handle.kind === "postgres") {
    const starting = import("./queue").then(({ startQueue }) => startQueue(handle));
    // A shutdown while the queue is still starting waits for it, then stops it: no connection left.
    g[KEY] = { stop: async () => (await starting.catch(() => null))?.stop() };
    await starting;
    return;
  }
  const tick = async () => {
    try {
      await runJob(handle, JOBS.expiryScan);
    } catch (e) {
      console.error(`job ${JOBS.expiryScan} failed:`, e instanceof Error ? e.message : e);
    }
  };
  await tick();
  const timer = setInterval(() => void tick(), PGLITE_INTERVAL_MS);
  timer.unref();
  g[KEY] = { stop: async () => clearInterval(timer) };
}

/** Stops the scheduled work of this process (graceful shutdown, server/main.ts): the queue lets a running job end. */
export async function stopJobs(): Promise<void> {
  await (globalThis as Holder)[KEY]?.stop();
}
