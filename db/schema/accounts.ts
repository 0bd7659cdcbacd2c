import { relations, sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/** A billing account (an Alibaba-style UID). Owns vouchers, orders and bills. */
export const accounts = pgTable("accounts", {
  id: text().primaryKey(),
  name: text().notNull(),
  /** IANA zone used to show times; R-TIME-1 default is UTC+8. */
  timeZone: text().notNull().default("Asia/Shanghai"),
  currency: text().notNull().default("USD"),
  createdAt: timestamp({ withTimezone: true, mode: "string" }).notNull().defaultNow(),
});

/** R-NOTIFY-2: how a user wants expiry notices by email (migration 0011). */
export const emailDigest = pgEnum("email_digest", ["off", "daily", "immediate"]);

export const userRole = pgEnum("user_role", ["customer", "operator"]);

/** A person who signs in. Belongs to one account. */
export const users = pgTable(
  "users",
  {
    id: text().primaryKey(),
    email: text().notNull(),
    name: text().notNull(),
    passwordHash: text().notNull(),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    role: userRole().notNull().default("customer"),
    /** The user's language (R-I18N-1); null: not chosen yet (cookie, then Accept-Language). */
    locale: text(),
    /** IANA zone instants are shown in (R-TZ-1); null: the account's zone. */
    timeZone: text(),
    /** R-NOTIFY-2: expiry notices by email: off, a daily digest, or as they happen (migration 0011). */
    emailDigest: emailDigest().notNull().default("daily"),
    createdAt: timestamp({ withTimezone: true, mode: "string" }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(sql`lower(${t.email})`),
    index("users_account_idx").on(t.accountId),
    check("users_locale_check", sql`${t.locale} IN ('en', 'zh')`),
    check("users_time_zone_check", sql`length(${t.timeZone}) BETWEEN 1 AND 64`),
  ],
);

/** Server-side sessions; the cookie carries a random token, the table keeps only its SHA-256. */
export const sessions = pgTable(
  "sessions",
  {
    tokenHash: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp({ withTimezone: true, mode: "string" }).notNull(),
    createdAt: timestamp({ withTimezone: true, mode: "string" }).notNull().defaultNow(),
  },
  (t) => [index("sessions_user_idx").on(t.userId), index("sessions_expires_idx").on(t.expiresAt)],
);

/**
 * Sign-in attempts per key in a fixed window (R-SEC-4, decision 014): "account:<email>" and
 * "address:<client>". In the database, so the limit holds across processes.
 */
export const signInThrottle = pgTable("sign_in_throttle", {
  key: text().primaryKey(),
  windowStart: timestamp({ withTimezone: true, mode: "string" }).notNull().defaultNow(),
  attempts: integer().notNull().default(0),
});

/** Enterprise Account Center (R-ENT-1): enabled by a master account. */
export const enterprises = pgTable("enterprises", {
  id: text().primaryKey(),
  name: text().notNull(),
  masterAccountId: text()
    .notNull()
    .unique()
    .references(() => accounts.id),
  /** The user who enabled it: the only one who grants permissions and changes membership (decision 006). */
  ownerUserId: text().references(() => users.id),
  enabledAt: timestamp({ withTimezone: true, mode: "string" }).notNull().defaultNow(),
});

export const membershipStatus = pgEnum("membership_status", ["invited", "active", "removed"]);

export const enterpriseMembers = pgTable(
  "enterprise_members",
  {
    enterpriseId: text()
      .notNull()
      .references(() => enterprises.id),
    accountId: text()
      .notNull()
      .references(() => accounts.id),
    status: membershipStatus().notNull().default("invited"),
    invitedAt: timestamp({ withTimezone: true, mode: "string" }).notNull().defaultNow(),
    joinedAt: timestamp({ withTimezone: true, mode: "string" }),
  },
  (t) => [
    uniqueIndex("enterprise_members_pk").on(t.enterpriseId, t.accountId),
    index("enterprise_members_account_idx").on(t.accountId),
    // An account is an active member of one enterprise at most (decision 006).
    uniqueIndex("enterprise_members_one_active").on(t.accountId).where(sql`${t.status} = 'active'`),
  ],
);

/** R-ENT-2: a financial account manages the finances of a member account. */
export const financialRelationships = pgTable(
  "financial_relationships",
  {
    id: text().primaryKey(),
    enterpriseId: text()
      .notNull()
      .references(() => enterprises.id),
    financialAccountId: text()
      .notNull()
      .references(() => accounts.id),
    memberAccountId: text()
      .notNull()
      .references(() => accounts.id),
    createdAt: timestamp({ withTimezone: true, mode: "string" }).notNull().defaultNow(),
    endedAt: timestamp({ withTimezone: true, mode: "string" }),
  },
  (t) => [
    index("financial_rel_financial_idx").on(t.financialAccountId, t.memberAccountId),
    index("financial_rel_member_idx").on(t.memberAccountId),
    check("financial_rel_not_self", sql`${t.financialAccountId} <> ${t.memberAccountId}`),
    // One live financial management relationship per member account.
    uniqueIndex("financial_rel_one_live").on(t.memberAccountId).where(sql`${t.endedAt} IS NULL`),
  ],
);

/** Permissions are data (R-ENT-3): the list is closed, grants are rows. */
export const permissionCode = pgEnum("permission_code", [
  "cards_and_coupons",
  "orders",
  "bills",
  "invoices",
  "quota_pool",
]);

export const adminPermissions = pgTable(
  "admin_permissions",
  {
    userId: text()
      .notNull()
      .references(() => users.id),
    financialAccountId: text()
      .notNull()
      .references(() => accounts.id),
    permission: permissionCode().notNull(),
    grantedBy: text().references(() => users.id),
    grantedAt: timestamp({ withTimezone: true, mode: "string" }).notNull().defaultNow(),
    revoked: boolean().notNull().default(false),
  },
  (t) => [uniqueIndex("admin_permissions_key").on(t.userId, t.financialAccountId, t.permission)],
);

export const accountsRelations = relations(accounts, ({ many }) => ({ users: many(users) }));
export const usersRelations = relations(users, ({ one, many }) => ({
  account: one(accounts, { fields: [users.accountId], references: [accounts.id] }),
  sessions: many(sessions),
}));
export const sessionsRelations = relations(sessions, ({ one }) => ({
  user: one(users, { fields: [sessions.userId], references: [users.id] }),
}));
