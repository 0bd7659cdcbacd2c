import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { accounts, emailDigest, users } from "./accounts";
import { coupons } from "./vouchers";

const ts = () => timestamp({ withTimezone: true, mode: "string" });

/**
 * R-NOTIFY-1: "voucher X, held by account A, crossed threshold T days before expiry". Written only by
 * expiry_scan() (db/sql). The unique key (voucher, account, threshold, arming generation) makes each
 * notice exactly once, whatever the number of scanners; the generation is the voucher's count of
 * Refund ledger rows, so a refund re-arms it (decision 016). Balance and expiry are as at the scan.
 */
export const expiryNotifications = pgTable(
  "expiry_notifications",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    couponId: text()
      .notNull()
      .references(() => coupons.id),
    thresholdDays: integer().notNull(),
    generation: integer().notNull(),
    balanceMinor: bigint({ mode: "number" }).notNull(),
    currency: text().notNull(),
    expiresAt: ts().notNull(),
    createdAt: ts().notNull().defaultNow(),
    readAt: ts(),
  },
  (t) => [
    check("expiry_notifications_threshold", sql`${t.thresholdDays} IN (30, 7, 1)`),
    uniqueIndex("expiry_notifications_once").on(t.couponId, t.accountId, t.thresholdDays, t.generation),
    index("expiry_notifications_account_idx").on(t.accountId, t.id),
    index("expiry_notifications_unread_idx").on(t.accountId).where(sql`${t.readAt} IS NULL`),
  ],
);

/**
 * One email to one user. Claimed (row and its deliveries committed) before it is handed to SMTP and
 * marked sent after: a crash in between leaves `sentAt` null and the digest is never sent again
 * (at most once, decision 016).
 */
export const emailDigests = pgTable(
  "email_digests",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: text()
      .notNull()
      .references(() => users.id),
    mode: emailDigest().notNull(),
    claimedAt: ts().notNull().default(sql`clock_timestamp()`),
    sentAt: ts(),
  },
  (t) => [index("email_digests_user_idx").on(t.userId, t.claimedAt)],
);

/** Which notice went to which user in which digest: each notice reaches each user by email once. */
export const emailDeliveries = pgTable(
  "email_deliveries",
  {
    notificationId: bigint({ mode: "number" })
      .notNull()
      .references(() => expiryNotifications.id),
    userId: text()
      .notNull()
      .references(() => users.id),
    digestId: bigint({ mode: "number" })
      .notNull()
      .references(() => emailDigests.id),
  },
  (t) => [primaryKey({ name: "email_deliveries_pk", columns: [t.notificationId, t.userId] })],
);
