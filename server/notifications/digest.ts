/**
 * Email digests of expiry notices (R-NOTIFY-2), per user preference: `immediate` after every scan,
 * `daily` once a day from 09:00 in the account's time zone (the first run of the job after it), `off`
 * never. Exactly what each email holds is claimed in the database first (a digest row and one delivery
 * row per notice, committed), then the email goes to SMTP, then the digest is marked sent. A process
 * killed between the claim and the mark leaves the digest unsent for good: a notice is emailed to a
 * user at most once, never twice, and it is always in the console (decision 016). Worded from the
 * notifications catalog in the user's language, dates in the user's zone. A notice the user
 * has already read in the console, or whose voucher has expired, is not emailed.
 */
import { sql } from "drizzle-orm";
import nodemailer from "nodemailer";
import { type Db, rows } from "@/db/client";
import { formatDate } from "@/lib/format";
import { isLocale, type Locale } from "@/i18n/config";
import { translator } from "@/i18n/translate";
import { formatMoney } from "@/server/money";

export type MailMessage = { to: string; subject: string; text: string; messageId: string };
export type Mailer = { send: (message: MailMessage) => Promise<void>; close?: () => void };

/** A nodemailer SMTP transport for SMTP_URL (smtp:// or smtps://). */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    send: async (m) => {
      await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text, messageId: m.messageId });
    },
    close: () => transport.close(),
  };
}

/** A user to email: the language and zone are the user's (else English and the account's zone). */
type Recipient = { id: string; email: string; name: string; time_zone: string; locale: string | null };
type Notice = {
  id: string;
  coupon_id: string;
  threshold_days: number;
  balance_minor: string;
  currency: string;
  expires_at: string;
};

export type DigestRun = { users: number; emails: number; notices: number };

/**
 * Sends the digests of `mode` due at `at` (now when omitted). Safe to run twice, side by side, or
 * again after being killed: each notice reaches each user by email once at most.
 */
export async function sendDigests(
  db: Db,
  mailer: Mailer,
  opts: { mode: "daily" | "immediate"; appUrl: string; at?: Date },
): Promise<DigestRun> {
  const at = (opts.at ?? new Date()).toISOString();
  const run: DigestRun = { users: 0, emails: 0, notices: 0 };
  let after = "";
  for (;;) {
    const batch = await rows<Recipient>(
      db,
      sql`SELECT u.id, u.email, u.name, coalesce(u.time_zone, a.time_zone) AS time_zone, u.locale
            FROM users u JOIN accounts a ON a.id = u.account_id
           WHERE u.email_digest = ${opts.mode} AND u.id > ${after}
             AND EXISTS (SELECT 1 FROM expiry_notifications n
                          WHERE n.account_id = u.account_id AND n.read_at IS NULL AND n.expires_at > ${at}::timestamptz
                            AND NOT EXISTS (SELECT 1 FROM email_deliveries e
                                             WHERE e.notification_id = n.id AND e.user_id = u.id))
           ORDER BY u.id LIMIT 200`,
    );
    if (batch.length === 0) break;
    for (const user of batch) {
      after = user.id;
      run.users += 1;
      const claimed = await claim(db, user, opts.mode, at);
      if (!claimed) continue;
      await mailer.send(
        compose(
          user,
          claimed.notices,
          opts.mode,
          opts.appUrl,
          claimed.digestId,
          isLocale(user.locale) ? user.locale : "en",
        ),
      );
      await db.execute(
        sql`UPDATE email_digests SET sent_at = clock_timestamp() WHERE id = ${claimed.digestId}`,
      );
      run.emails += 1;
      run.notices += claimed.notices.length;
    }
  }
  return run;
}

/**
 * In one transaction, under the user's row lock (digests of one user are claimed one at a time):
 * whether a digest is due (a daily one from 09:00 local, once per local day), the notices not yet
 * emailed to the user, and the claim of them. Null when nothing is due.
 */
async function claim(db: Db, user: Recipient, mode: "daily" | "immediate", at: string) {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT 1 FROM users WHERE id = ${user.id} FOR UPDATE`);
    if (mode === "daily") {
      const [due] = await rows<{ due: boolean }>(
        tx,
        sql`SELECT (${at}::timestamptz AT TIME ZONE ${user.time_zone})::time >= time '09:00'
                   AND NOT EXISTS (
                     SELECT 1 FROM email_digests d
                      WHERE d.user_id = ${user.id} AND d.mode = 'daily'
                        AND d.claimed_at >= date_trunc('day', ${at}::timestamptz AT TIME ZONE ${user.time_zone})
                                              AT TIME ZONE ${user.time_zone}) AS due`,
      );
      if (!due?.due) return null;
    }
    const notices = await rows<Notice>(
      tx,
      sql`SELECT n.id::text, n.coupon_id, n.threshold_days, n.balance_minor::text, n.currency, n.expires_at::text
            FROM expiry_notifications n JOIN users u ON u.account_id = n.account_id
           WHERE u.id = ${user.id} AND n.read_at IS NULL AND n.expires_at > ${at}::timestamptz
             AND NOT EXISTS (SELECT 1 FROM email_deliveries e WHERE e.notification_id = n.id AND e.user_id = u.id)
           ORDER BY n.expires_at, n.id`,
    );
    if (notices.length === 0) return null;
    const [digest] = await rows<{ id: string }>(
      tx,
      sql`INSERT INTO email_digests (user_id, mode, claimed_at) VALUES (${user.id}, ${mode}, ${at}::timestamptz)
          RETURNING id::text`,
    );
    if (!digest) throw new Error("email_digests insert returned no row");
    await tx.execute(
      sql`INSERT INTO email_deliveries (notification_id, user_id, digest_id)
          SELECT id, ${user.id}, ${digest.id}::bigint FROM unnest(${`{${notices.map((n) => n.id).join(",")}}`}::bigint[]) AS id`,
    );
    return { digestId: digest.id, notices };
  });
}

/** The email, worded from the notifications catalog (messages/<locale>/notifications.json). */
export function compose(
  user: Recipient,
  notices: Notice[],
  mode: "daily" | "immediate",
  appUrl: string,
  digestId: string,
  locale: Locale,
): MailMessage {
  const t = translator(locale, "notifications");
  const lines = notices.flatMap((n) => [
    `- ${t("email.line", {
      id: n.coupon_id,
      balance: formatMoney(Number(n.balance_minor), n.currency),
      days: Number(n.threshold_days),
      date: formatDate(new Date(n.expires_at).toISOString(), user.time_zone),
    })}`,
    `  ${t("email.link", { url: `${appUrl}/coupons/${n.coupon_id}` })}`,
  ]);
  const text = [
    t("email.greeting", { name: user.name }),
    "",
    t("email.intro"),
    "",
    ...lines,
    "",
    t("email.footer", { mode: t(`prefs_${mode}`), url: `${appUrl}/notifications` }),
    "",
  ].join("\n");
  return {
    to: user.email,
    subject: t("email.subject", { count: notices.length }),
    text,
    messageId: `<digest-${digestId}@voucher-console>`,
  };
}
