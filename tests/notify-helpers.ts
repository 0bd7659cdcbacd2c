/**
 * Helpers for the notification tests (tests/notify-*.test.ts): accounts and users made per test, and
 * a real SMTP server in-process (smtp-server) that keeps what arrived.
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { SMTPServer } from "smtp-server";
import { type Executor, rows } from "@/db/client";
import type { DemoUserId } from "./helpers";
import { makeUser, type sessionUserOf, type TestUser } from "./enterprise-helpers";

export const uid = () => randomBytes(5).toString("hex").toUpperCase();

/** A new account with one customer user; `digest` sets the user's email preference. */
export async function newAccountUser(
  db: Executor,
  opts: { digest?: "off" | "daily" | "immediate"; timeZone?: string } = {},
): Promise<TestUser & { session: ReturnType<typeof sessionUserOf> }> {
  const id = uid();
  const u: TestUser = {
    userId: `u-${id}`,
    email: `n-${id.toLowerCase()}@example.com`,
    accountId: `9${BigInt(`0x${id}`).toString().padStart(15, "0").slice(-15)}`,
    accountName: `Notify ${id}`,
  };
  const session = await makeUser(db, u, { newAccount: true });
  if (opts.timeZone)
    await db.execute(sql`UPDATE accounts SET time_zone = ${opts.timeZone} WHERE id = ${u.accountId}`);
  if (opts.digest)
    await db.execute(sql`UPDATE users SET email_digest = ${opts.digest} WHERE id = ${u.userId}`);
  return { ...u, session };
}

export type Notice = {
  coupon_id: string;
  account_id: string;
  threshold_days: number;
  generation: number;
  balance_minor: string;
};

export async function noticesOf(db: Executor, couponIds: string[]): Promise<Notice[]> {
  return rows<Notice>(
    db,
    sql`SELECT coupon_id, account_id, threshold_days, generation, balance_minor::text FROM expiry_notifications
         WHERE coupon_id = ANY (${`{${couponIds.join(",")}}`}::text[])
         ORDER BY coupon_id, account_id, threshold_days DESC, generation`,
  );
}

export type Received = { to: string[]; subject: string; text: string };

/** Decodes quoted-printable, the body encoding nodemailer picks for long lines. */
function unQuotedPrintable(s: string): string {
  const bytes = s
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/** A real SMTP server on 127.0.0.1 (no TLS, no auth) keeping every message it accepted. */
export async function startSmtp(opts: { onMessage?: (m: Received, index: number) => void } = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const [head = "", ...body] = raw.split(/\r?\n\r?\n/);
        const headers = head.replace(/\r?\n[ \t]+/g, " ");
        const subject = /^Subject: (.*)$/im.exec(headers)?.[1] ?? "";
        const qp = /Content-Transfer-Encoding: quoted-printable/i.test(headers);
        const text = body.join("\n\n");
        const m: Received = {
          to: session.envelope.rcptTo.map((r) => r.address),
          subject,
          text: qp ? unQuotedPrintable(text) : text,
        };
        received.push(m);
        opts.onMessage?.(m, received.length - 1);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type { DemoUserId };
