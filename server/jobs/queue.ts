/**
 * The PostgreSQL job queue (R-NOTIFY-3): pg-boss 10.4.2, pinned (11 and later need Node 22; decision
 * 016). pg-boss keeps its own tables in the `pgboss` schema of the same database and opens its own
 * small `pg` pool. Each job is a queue with the `singleton` policy (one active job per queue, whichever
 * process fetched it) and a cron schedule; pg-boss makes one job per tick however many processes
 * schedule it. A job whose process dies is retried after it expires; the work is idempotent.
 */
import PgBoss from "pg-boss";
import type { DatabaseHandle } from "@/db/client";
import { JOBS, type JobName, runJob, SCHEDULES } from "./tasks";

export type Queue = { boss: PgBoss; stop: () => Promise<void> };

export async function startQueue(
  handle: DatabaseHandle,
  opts: { work?: boolean; schedule?: boolean; log?: (m: string) => void } = {},
): Promise<Queue> {
  if (!handle.url) throw new Error("The job queue needs PostgreSQL (DATABASE_URL)");
  const log = opts.log ?? ((m: string) => console.log(m));
  const boss = new PgBoss({ connectionString: handle.url, max: 2, application_name: "voucher-console-jobs" });
  boss.on("error", (e) => console.error("job queue:", e instanceof Error ? e.message : e));
  await boss.start();
  for (const name of Object.values(JOBS)) {
    if (!(await boss.getQueue(name))) {
      await boss.createQueue(name, { name, policy: "singleton", retryLimit: 3, expireInSeconds: 15 * 60 });
    }
    if (opts.schedule !== false) await boss.schedule(name, SCHEDULES[name], {}, { tz: "UTC" });
    if (opts.work !== false) {
      await boss.work<object>(name, async () => {
        const started = performance.now();
        const result = await runJob(handle, name as JobName);
        log(`job ${name}: ${JSON.stringify(result)} in ${Math.round(performance.now() - started)} ms`);
        return result;
      });
    }
  }
  return { boss, stop: () => boss.stop({ graceful: true, wait: true, timeout: 10_000 }) };
}
