/**
 * R-NOTIFY-2 (email digests through a real SMTP server in-process) and R-NOTIFY-3 (the jobs: on the
 * pg-boss queue, and a run killed with SIGKILL half-way then run again sends nothing twice).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, rows } from "@/db/client";
import { smtpMailer } from "@/server/notifications/digest";
import { runExpiryScan } from "@/server/jobs/tasks";
import { eachDriver, seededDatabase, testDatabases } from "./db";
import { dbNow } from "./helpers";
import { newAccountUser, noticesOf, type Received, startSmtp, uid } from "./notify-helpers";
import { insertVoucher } from "./orders-helpers";

const drivers = await testDatabases();
const HOUR = 3_600_000;
const APP = "http://console.test";

/** The first instant after `now` at minute 30 of the given UTC hour. */
function nextUtc(now: Date, hour: number): Date {
  const d = new Date(now);
  d.setUTCHours(hour, 30, 0, 0);
  if (d <= now) d.setUTCDate(d.getUTCDate() + 1);
  return d;
}

describe.each(eachDriver(drivers))("[%s] email digests", (_name, driver) => {
  let handle: DatabaseHandle;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    handle = await seededDatabase(driver);
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await smtp.close();
    await driver.closeAll();
  });

  it("R-NOTIFY-2: immediate after the scan, daily from 09:00 in the account's zone once a day, off never", async () => {
    const db = handle.db;
    const now = await dbNow(db);
    const imm = await newAccountUser(db, { digest: "immediate" });
    const day = await newAccountUser(db, { digest: "daily", timeZone: "Asia/Shanghai" });
    const off = await newAccountUser(db, { digest: "off" });
    const ids = { imm: `CP-M${uid()}`, day: `CP-D${uid()}`, off: `CP-O${uid()}` };
    for (const [k, u] of [
      ["imm", imm],
      ["day", day],
      ["off", off],
    ] as const) {
      await insertVoucher(db, {
        id: ids[k],
        accountId: u.accountId,
        nominalMinor: 1250,
        expiresAt: sql`now() + interval '6 days'`,
      });
    }
    const mailer = smtpMailer(smtp.url, "Voucher console <console@example.com>");
    const mine = (to: string) => smtp.received.filter((m) => m.to.includes(to));

    const early = nextUtc(now, 0); // 08:30 in Shanghai
    await runExpiryScan(handle, { mailer, appUrl: APP, at: early });
    expect(mine(imm.email)).toHaveLength(1);
    expect(mine(day.email)).toHaveLength(0);
    const [m] = mine(imm.email) as [Received];
    expect(m.subject).toBe("1 voucher expires soon");
    expect(m.text).toContain(`${ids.imm} ($12.50 left) expires in 7 days`);
    expect(m.text).toContain(`${APP}/coupons/${ids.imm}`);

    await runExpiryScan(handle, { mailer, appUrl: APP, at: new Date(early.getTime() + HOUR) }); // 09:30
    await runExpiryScan(handle, { mailer, appUrl: APP, at: new Date(early.getTime() + 2 * HOUR) });
    expect(mine(imm.email)).toHaveLength(1);
    expect(mine(day.email)).toHaveLength(1);
    expect(mine(day.email)[0]?.text).toContain(`${ids.day} ($12.50 left) expires in 7 days`);
    expect(mine(off.email)).toHaveLength(0);

    // A new notice the next day: the daily user gets it in the next day's digest, not before 09:00.
    const later = `CP-L${uid()}`;
    await insertVoucher(db, {
      id: later,
      accountId: day.accountId,
      nominalMinor: 400,
      expiresAt: sql`now() + interval '12 days'`,
    });
    const nextEarly = new Date(early.getTime() + 24 * HOUR);
    await runExpiryScan(handle, { mailer, appUrl: APP, at: new Date(early.getTime() + 5 * HOUR) });
    expect((await noticesOf(db, [later])).map((n) => n.threshold_days)).toEqual([30]);
    expect(mine(day.email)).toHaveLength(1);
    await runExpiryScan(handle, { mailer, appUrl: APP, at: new Date(nextEarly.getTime() + HOUR) });
    expect(mine(day.email)).toHaveLength(2);
    expect(mine(day.email)[1]?.text).toContain(`${later} ($4.00 left) expires in 30 days`);
    expect(mine(day.email)[1]?.text).not.toContain(ids.day);
    // Notices stayed in the console for everyone, email or not.
    expect((await noticesOf(db, [ids.off])).length).toBe(1);
    mailer.close?.();
  });

  it("R-NOTIFY-2: without SMTP nothing is sent or claimed; a notice already read is not emailed", async () => {
    const db = handle.db;
    const u = await newAccountUser(db, { digest: "immediate" });
    const [v1, v2] = [`CP-Q${uid()}`, `CP-R${uid()}`];
    await insertVoucher(db, {
      id: v1,
      accountId: u.accountId,
      nominalMinor: 100,
      expiresAt: sql`now() + interval '3 days'`,
    });
    await runExpiryScan(handle, { mailer: null });
    const [claimed] = await rows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM email_deliveries WHERE user_id = ${u.userId}`,
    );
    expect(claimed?.n).toBe(0);
    await db.execute(sql`UPDATE expiry_notifications SET read_at = now() WHERE coupon_id = ${v1}`);
    await insertVoucher(db, {
      id: v2,
      accountId: u.accountId,
      nominalMinor: 200,
      expiresAt: sql`now() + interval '3 days'`,
    });
    const mailer = smtpMailer(smtp.url, "console@example.com");
    await runExpiryScan(handle, { mailer, appUrl: APP });
    const got = smtp.received.filter((m) => m.to.includes(u.email));
    expect(got).toHaveLength(1);
    expect(got[0]?.text).toContain(v2);
    expect(got[0]?.text).not.toContain(v1);
    mailer.close?.();
  });
});

describe.each(eachDriver(drivers))("[%s] email language", (_name, driver) => {
  afterAll(() => driver.closeAll());
  it("R-NOTIFY-2, R-I18N-1: the email is worded in the user's language, dates in the user's zone", async () => {
    const handle = await driver.open();
    const smtp = await startSmtp();
    try {
      const u = await newAccountUser(handle.db, { digest: "immediate" });
      await handle.db.execute(
        sql`UPDATE users SET locale = 'zh', time_zone = 'Asia/Tokyo' WHERE id = ${u.userId}`,
      );
      const v = `CP-Z${uid()}`;
      await insertVoucher(handle.db, {
        id: v,
        accountId: u.accountId,
        nominalMinor: 1250,
        expiresAt: sql`timestamptz '2099-01-01 00:00:00+00'`,
      });
      await handle.db.execute(sql`UPDATE coupons SET expires_at = now() + interval '6 days' WHERE id = ${v}`);
      const mailer = smtpMailer(smtp.url, "console@example.com");
      await runExpiryScan(handle, { mailer, appUrl: APP });
      mailer.close?.();
      const [m] = smtp.received;
      expect(m?.text).toContain(`${v}（余额 $12.50）将在 7 天后`);
      expect(m?.text).toContain("您好");
    } finally {
      await smtp.close();
    }
  });
});

const postgres = drivers.find((d) => d.name === "postgres");

describe.skipIf(!postgres)("[postgres] jobs on the queue and after a crash", () => {
  const driver = postgres as NonNullable<typeof postgres>;
  afterAll(() => driver.closeAll());

  function runJobProcess(url: string, smtpUrl: string): ChildProcess {
    return spawn(process.execPath, ["--import", "tsx", "scripts/jobs.ts", "run", "expiry-scan"], {
      env: {
        ...process.env,
        DATABASE_URL: url,
        SMTP_URL: smtpUrl,
        SEED_DEMO: "false",
        APP_URL: APP,
        JOBS: "off",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
  }
  const exited = (child: ChildProcess) =>
    new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal })),
    );

  it("R-NOTIFY-3: a job run killed (SIGKILL) half-way, then run again, sends nothing twice", async () => {
    const handle = await driver.open();
    const db = handle.db;
    const users = [];
    for (let i = 0; i < 4; i++) {
      const u = await newAccountUser(db, { digest: "immediate" });
      await insertVoucher(db, {
        id: `CP-K${i}${uid()}`,
        accountId: u.accountId,
        nominalMinor: 500 + i,
        expiresAt: sql`now() + interval '2 days'`,
      });
      users.push(u);
    }
    let child: ChildProcess | null = null;
    // The first email arrives: kill the job there, before the server has answered it.
    const smtp = await startSmtp({ onMessage: (_m, i) => i === 0 && child?.kill("SIGKILL") });
    try {
      child = runJobProcess(handle.url as string, smtp.url);
      const first = await exited(child);
      expect(first.signal).toBe("SIGKILL");
      expect(smtp.received.length).toBeLessThan(users.length);
      child = runJobProcess(handle.url as string, smtp.url);
      const second = await exited(child);
      expect(second.code).toBe(0);
      child = runJobProcess(handle.url as string, smtp.url);
      expect((await exited(child)).code).toBe(0);
      // Every user got the email once: the one in flight when the job died is not sent again.
      for (const u of users) expect(smtp.received.filter((m) => m.to.includes(u.email))).toHaveLength(1);
      const [n] = await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM expiry_notifications`);
      expect(n?.n).toBe(users.length);
    } finally {
      child?.kill("SIGKILL");
      await smtp.close();
    }
  });

  it("R-NOTIFY-3: the expiry scan runs as a pg-boss job", async () => {
    const handle = await driver.open();
    const u = await newAccountUser(handle.db, { digest: "off" });
    const v = `CP-B${uid()}`;
    await insertVoucher(handle.db, {
      id: v,
      accountId: u.accountId,
      nominalMinor: 100,
      expiresAt: sql`now() + interval '20 days'`,
    });
    const { startQueue } = await import("@/server/jobs/queue");
    const queue = await startQueue(handle, { schedule: false, log: () => {} });
    try {
      await queue.boss.send("expiry-scan", {});
      const deadline = Date.now() + 60_000;
      while ((await noticesOf(handle.db, [v])).length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
      }
      expect((await noticesOf(handle.db, [v])).map((n) => n.threshold_days)).toEqual([30]);
    } finally {
      await queue.stop();
    }
  });
});
