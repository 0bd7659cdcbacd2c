/**
 * Expiry notifications (R-NOTIFY-1): the scan that writes them (db/sql/expiry_scan.sql), and what a
 * signed-in user reads and marks. Notices belong to an account; every call here takes the caller's
 * own account, and a notice of another account is "not found" (decision 005). Nothing here touches
 * voucher money.
 */
import { sql } from "drizzle-orm";
import { type Executor, rows } from "@/db/client";
import { notFound } from "@/server/errors";
import type { DigestMode, NotificationItem } from "./schema";

/** Runs the expiry scan at `at` (the database clock when omitted); returns the notices written. */
export async function expiryScan(db: Executor, at?: Date): Promise<number> {
  const [r] = await rows<{ n: number }>(
    db,
    at ? sql`SELECT expiry_scan(${at.toISOString()}::timestamptz) AS n` : sql`SELECT expiry_scan(now()) AS n`,
  );
  return Number(r?.n ?? 0);
}

type Row = {
  id: string;
  coupon_id: string;
  threshold_days: number;
  currency: string;
  balance_minor: string;
  expires_at: string;
  created_at: string;
  read_at: string | null;
  status: string;
  order_id: string | null;
};

const iso = (t: string) => new Date(t).toISOString();

/**
 * A page of the account's notices, newest first, with the unread count. For each, the oldest pending
 * order of the account that the voucher can pay now ("use it now"): voucher_reasons() judges it
 * exactly as the payment page would (db/sql, decision 013).
 */
export async function listNotifications(
  db: Executor,
  accountId: string,
  input: { cursor?: number | undefined; limit: number },
) {
  const found = await rows<Row>(
    db,
    sql`SELECT n.id::text, n.coupon_id, n.threshold_days, c.currency, c.balance_minor::text,
               n.expires_at::text, n.created_at::text, n.read_at::text,
               coupon_status(c.reclaimed_at, c.effective_from, c.expires_at, c.balance_minor, now()) AS status,
               (SELECT o.id
                  FROM orders o
                  JOIN products p ON p.code = o.product_code
                 WHERE o.account_id = n.account_id
                   AND o.status = 'Pending Payment'
                   AND voucher_reasons(c, c.account_id = n.account_id OR EXISTS (
                         SELECT 1 FROM coupon_shares s WHERE s.coupon_id = c.id AND s.account_id = n.account_id),
                       o.currency, o.product_code, p.excluded_from_general, o.payment_type,
                       o.transaction_type, o.amount_minor, now()) = 0
                 ORDER BY o.created_at, o.id
                 LIMIT 1) AS order_id
          FROM expiry_notifications n
          JOIN coupons c ON c.id = n.coupon_id
         WHERE n.account_id = ${accountId}
           AND (${input.cursor ?? null}::bigint IS NULL OR n.id < ${input.cursor ?? null}::bigint)
         ORDER BY n.id DESC
         LIMIT ${input.limit + 1}`,
  );
  const page = found.slice(0, input.limit);
  const items: NotificationItem[] = page.map((r) => ({
    id: Number(r.id),
    couponId: r.coupon_id,
    thresholdDays: Number(r.threshold_days),
    currency: r.currency,
    balanceMinor: Number(r.balance_minor),
    expiresAt: iso(r.expires_at),
    createdAt: iso(r.created_at),
    read: r.read_at !== null,
    status: r.status,
    orderId: r.order_id,
  }));
  const last = items.at(-1);
  return {
    items,
    nextCursor: found.length > input.limit && last ? last.id : null,
    unread: await unreadCount(db, accountId),
  };
}

export async function unreadCount(db: Executor, accountId: string): Promise<number> {
  const [r] = await rows<{ n: string }>(
    db,
    sql`SELECT count(*)::text AS n FROM expiry_notifications WHERE account_id = ${accountId} AND read_at IS NULL`,
  );
  return Number(r?.n ?? 0);
}

/** Marks one of the account's notices read; another account's (or an unknown) ID is "not found". */
export async function markRead(db: Executor, accountId: string, id: number) {
  const done = await rows<{ id: string }>(
    db,
    sql`UPDATE expiry_notifications SET read_at = coalesce(read_at, now())
         WHERE id = ${id} AND account_id = ${accountId} RETURNING id::text`,
  );
  if (done.length === 0) throw notFound("Notification");
  return { id, unread: await unreadCount(db, accountId) };
}

export async function markAllRead(db: Executor, accountId: string) {
  await db.execute(
    sql`UPDATE expiry_notifications SET read_at = now() WHERE account_id = ${accountId} AND read_at IS NULL`,
  );
  return { unread: 0 };
}

export async function digestPreference(db: Executor, userId: string): Promise<DigestMode> {
  const [r] = await rows<{ mode: DigestMode }>(
    db,
    sql`SELECT email_digest AS mode FROM users WHERE id = ${userId}`,
  );
  if (!r) throw notFound("User");
  return r.mode;
}

export async function setDigestPreference(db: Executor, userId: string, mode: DigestMode) {
  await db.execute(sql`UPDATE users SET email_digest = ${mode} WHERE id = ${userId}`);
  return { emailDigest: mode };
}
