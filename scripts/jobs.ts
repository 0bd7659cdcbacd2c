/**
 * The scheduled jobs from the command line (R-NOTIFY-3, decision 016):
 *
 *   npm run jobs -- run expiry-scan     # one run now, then exit (cron, tests)
 *   npm run jobs -- run cycle-close
 *   npm run jobs -- worker              # a pg-boss worker and scheduler (PostgreSQL), until SIGTERM
 *
 * Uses DATABASE_URL, or the embedded database folder (only while the console is not running: PGlite
 * allows one process). Every job is idempotent: a run killed half-way and run again sends and charges
 * nothing twice.
 */
import { appDatabase } from "@/db";
import { JOBS, type JobName, runJob } from "@/server/jobs/tasks";

const [command, name] = process.argv.slice(2);
const names = Object.values(JOBS) as string[];

if (command === "run" && name && names.includes(name)) {
  const handle = await appDatabase();
  const started = performance.now();
  const result = await runJob(handle, name as JobName);
  console.log(`${name}: ${JSON.stringify(result)} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  await handle.close();
  process.exit(0);
} else if (command === "worker") {
  const handle = await appDatabase();
  if (handle.kind !== "postgres") {
    console.error(
      "The worker needs PostgreSQL (DATABASE_URL); the embedded database runs jobs in the console.",
    );
    process.exit(2);
  }
  const { startQueue } = await import("@/server/jobs/queue");
  const queue = await startQueue(handle);
  console.log(`job worker: ${names.join(", ")}`);
  const stop = async () => {
    await queue.stop();
    await handle.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
} else {
  console.error(`Usage: npm run jobs -- run <${names.join("|")}>  |  npm run jobs -- worker`);
  process.exit(2);
}
