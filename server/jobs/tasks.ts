/**
 * The scheduled work (R-NOTIFY-3), as plain functions of a database handle: the PostgreSQL job queue
 * (server/jobs/queue.ts, pg-boss), the embedded database's timer (server/jobs/start.ts), the CLI
 * (scripts/jobs.ts) and the tests all call these. Each is idempotent: run twice, side by side, or
 * again after being killed, it sends and charges nothing twice (decision 016).
 */
import { sql } from "drizzle-orm";
import { type DatabaseHandle, rows } from "@/db/client";
import { closeCycle } from "@/server/bills/service";
import { serverEnv } from "@/server/env";
import { type Mailer, sendDigests, smtpMailer } from "@/server/notifications/digest";
import { expiryScan } from "@/server/notifications/service";

export const JOBS = {
  /** Hourly: write the notices due (expiry_scan()), then send the digests due. */
  expiryScan: "expiry-scan",
  /** Daily: close every open pay-as-you-go bill whose cycle has ended (R-PAYG-1). PostgreSQL only. */
  cycleClose: "cycle-close",
} as const;
export type JobName = (typeof JOBS)[keyof typeof JOBS];

/** Cron in UTC: the scan every hour at :05, the cycle close every day at 02:15; the work decides what is due. */
export const SCHEDULES: Record<JobName, string> = {
  "expiry-scan": "5 * * * *",
  "cycle-close": "15 2 * * *",
};

let mailer: Mailer | null | undefined;
/** The SMTP mailer of SMTP_URL, or null: without it notifications stay in the console. */
export function configuredMailer(): Mailer | null {
  if (mailer === undefined) {
    const env = serverEnv();
    mailer = env.smtpUrl ? smtpMailer(env.smtpUrl, env.mailFrom) : null;
  }
  return mailer;
}

export type ScanRun = { notices: number; emails: number; emailedNotices: number };

export async function runExpiryScan(
  handle: DatabaseHandle,
  opts: { mailer?: Mailer | null; appUrl?: string; at?: Date } = {},
): Promise<ScanRun> {
  const notices = await expiryScan(handle.db, opts.at);
  const mail = opts.mailer === undefined ? configuredMailer() : opts.mailer;
  const run: ScanRun = { notices, emails: 0, emailedNotices: 0 };
  if (!mail) return run;
  const appUrl = opts.appUrl ?? serverEnv().appUrl;
  for (const mode of ["immediate", "daily"] as const) {
    const r = await sendDigests(handle.db, mail, { mode, appUrl, ...(opts.at ? { at: opts.at } : {}) });
    run.emails += r.emails;
    run.emailedNotices += r.notices;
  }
  return run;
}

/**
 * Closes the open bills of every cycle that may have ended: cycles before the current month in the
 * earliest zone (UTC+14). A bill whose cycle has not ended in its own account's zone is refused by
 * closeBill() (CYCLE_NOT_ENDED) and left for the next run; the close itself is the existing,
 * exactly-once closeCycle() (decision 013), not changed here.
 */
export async function runCycleClose(handle: DatabaseHandle) {
  const cycles = await rows<{ cycle: string }>(
    handle.db,
    sql`SELECT DISTINCT cycle FROM bills
         WHERE status = 'Open' AND cycle < to_char(now() AT TIME ZONE 'Etc/GMT-14', 'YYYY-MM')
         ORDER BY cycle`,
  );
  const results = [];
  for (const { cycle } of cycles) results.push(await closeCycle(handle.db, null, cycle));
  return results;
}

export async function runJob(handle: DatabaseHandle, name: JobName) {
  return name === JOBS.expiryScan ? runExpiryScan(handle) : runCycleClose(handle);
}
