import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { type DatabaseHandle, type Executor, rows } from "@/db/client";
import { ACCOUNTS, DEMO_PASSWORD_HASH } from "@/db/seed";
import type { SessionUser } from "@/server/auth/session";
import { createCaller } from "@/server/trpc/root";
import { callerFor, type DemoUserId } from "./helpers";

export const key = () => `test-${randomUUID()}`;

/** A generate input with sensible defaults: valid from today to 60 days on, General, both payment types. */
export function generateArgs(over: Partial<Record<string, unknown>> = {}) {
  const day = (n: number) => new Date(Date.now() + 8 * 3_600_000 + n * 86_400_000).toISOString().slice(0, 10);
  return {
    amount: "100.00",
    quantity: 1,
    effectiveFrom: day(-1),
    expiresOn: day(60),
    description: "Test budget",
    idempotencyKey: key(),
    ...over,
  } as {
    amount: string;
    quantity: number;
    effectiveFrom: string;
    expiresOn: string;
    description: string;
    idempotencyKey: string;
    assignTo?: string[];
    commodities?: string[];
    minOrder?: string;
  };
}

/**
 * Pool conservation (INV-6 of the research plan, issue 4), from the ledgers, for every pool:
 *  1. funds = Σ Move In − Σ Generate + Σ Reclaim + Σ Refund (pool ledger), and each row's
 *     funds_after is the running sum, the last equal to the funds;
 *  2. every voucher generated from the pool has exactly one Generate row, equal to its nominal;
 *     Σ Generate = Σ nominal of the pool's vouchers;
 *  3. each pool voucher is reclaimed at most once; the pool's Reclaim rows equal the vouchers'
 *     Reclaim ledger rows one for one, and a voucher with a Reclaim row is marked reclaimed;
 *  4. hence funds + Σ balances of generated vouchers + Σ net spent on them = Σ moved in + Σ refunded;
 *  5. Σ Move In = Σ of the 'Reclaim' (moved into the pool) rows on the master's own vouchers.
 */
export async function assertPoolConservation(target: DatabaseHandle | Executor): Promise<void> {
  const db = "kind" in target ? target.db : target;
  const problems = await rows<{ pool_id: string; problem: string; detail: string }>(
    db,
    sql`WITH pl AS (
          SELECT pool_id, id, type, amount_minor, funds_after_minor, coupon_id,
                 sum(CASE WHEN type = 'Generate' THEN -amount_minor ELSE amount_minor END)
                   OVER (PARTITION BY pool_id ORDER BY id) AS running,
                 row_number() OVER (PARTITION BY pool_id ORDER BY id DESC) AS rn_desc
          FROM pool_ledger),
        per_pool AS (
          SELECT p.id, p.funds_minor, p.enterprise_id,
                 coalesce(sum(pl.amount_minor) FILTER (WHERE pl.type = 'Move In'), 0) AS moved_in,
                 coalesce(sum(pl.amount_minor) FILTER (WHERE pl.type = 'Generate'), 0) AS generated,
                 coalesce(sum(pl.amount_minor) FILTER (WHERE pl.type = 'Reclaim'), 0) AS reclaimed,
                 coalesce(sum(pl.amount_minor) FILTER (WHERE pl.type = 'Refund'), 0) AS refunded,
                 bool_and(pl.running = pl.funds_after_minor) AS running_ok,
                 max(pl.funds_after_minor) FILTER (WHERE pl.rn_desc = 1) AS last_after
          FROM quota_pools p LEFT JOIN pl ON pl.pool_id = p.id GROUP BY p.id),
        vouchers AS (
          SELECT c.pool_id, c.id, c.nominal_minor, c.balance_minor, c.reclaimed_at,
                 (SELECT count(*) FROM pool_ledger g WHERE g.coupon_id = c.id AND g.type = 'Generate') AS gen_rows,
                 (SELECT coalesce(sum(amount_minor), 0) FROM pool_ledger g WHERE g.coupon_id = c.id AND g.type = 'Generate') AS gen_amount,
                 (SELECT count(*) FROM pool_ledger g WHERE g.coupon_id = c.id AND g.type = 'Reclaim') AS pool_reclaims,
                 (SELECT coalesce(sum(amount_minor), 0) FROM pool_ledger g WHERE g.coupon_id = c.id AND g.type = 'Reclaim') AS pool_reclaimed,
                 (SELECT count(*) FROM coupon_ledger l WHERE l.coupon_id = c.id AND l.type = 'Reclaim') AS voucher_reclaims,
                 (SELECT coalesce(sum(amount_minor), 0) FROM coupon_ledger l WHERE l.coupon_id = c.id AND l.type = 'Reclaim') AS voucher_reclaimed,
                 (SELECT coalesce(sum(CASE type WHEN 'Deduction' THEN amount_minor WHEN 'Refund' THEN -amount_minor ELSE 0 END), 0)
                    FROM coupon_ledger l WHERE l.coupon_id = c.id) AS spent
          FROM coupons c WHERE c.pool_id IS NOT NULL),
        per_pool_v AS (
          SELECT pool_id, sum(nominal_minor) AS nominal, sum(balance_minor) AS balances, sum(spent) AS spent
          FROM vouchers GROUP BY pool_id),
        moved AS (
          SELECT p.id AS pool_id, coalesce(sum(l.amount_minor), 0) AS moved_from_vouchers
          FROM quota_pools p JOIN enterprises e ON e.id = p.enterprise_id
          LEFT JOIN coupons c ON c.account_id = e.master_account_id AND c.pool_id IS NULL AND c.currency = p.currency
          LEFT JOIN coupon_ledger l ON l.coupon_id = c.id AND l.type = 'Reclaim'
          GROUP BY p.id)
        SELECT id AS pool_id, 'funds <> move in - generate + reclaim + refund' AS problem,
               funds_minor || ' <> ' || (moved_in - generated + reclaimed + refunded) AS detail
          FROM per_pool WHERE funds_minor <> moved_in - generated + reclaimed + refunded
        UNION ALL SELECT id, 'funds_after is not the running sum', '' FROM per_pool WHERE NOT coalesce(running_ok, true)
        UNION ALL SELECT id, 'last funds_after <> funds', last_after || ' <> ' || funds_minor
          FROM per_pool WHERE last_after IS NOT NULL AND last_after <> funds_minor
        UNION ALL SELECT pool_id, 'generate rows <> 1 or <> nominal', id FROM vouchers
          WHERE gen_rows <> 1 OR gen_amount <> nominal_minor
        UNION ALL SELECT pool_id, 'reclaimed more than once', id FROM vouchers
          WHERE pool_reclaims > 1 OR voucher_reclaims > 1
        UNION ALL SELECT pool_id, 'pool reclaim <> voucher reclaim', id || ': ' || pool_reclaimed || ' <> ' || voucher_reclaimed
          FROM vouchers WHERE pool_reclaimed <> voucher_reclaimed
        UNION ALL SELECT pool_id, 'reclaim row without reclaimed_at', id FROM vouchers
          WHERE voucher_reclaims > 0 AND reclaimed_at IS NULL
        UNION ALL SELECT p.id, 'generate <> nominal of generated vouchers', p.generated || ' <> ' || coalesce(v.nominal, 0)
          FROM per_pool p LEFT JOIN per_pool_v v ON v.pool_id = p.id WHERE p.generated <> coalesce(v.nominal, 0)
        UNION ALL SELECT p.id, 'funds + balances + spent <> moved in + refunded',
               (p.funds_minor + coalesce(v.balances, 0) + coalesce(v.spent, 0)) || ' <> ' || (p.moved_in + p.refunded)
          FROM per_pool p LEFT JOIN per_pool_v v ON v.pool_id = p.id
          WHERE p.funds_minor + coalesce(v.balances, 0) + coalesce(v.spent, 0) <> p.moved_in + p.refunded
        UNION ALL SELECT p.id, 'move in <> moved out of the master''s vouchers', p.moved_in || ' <> ' || m.moved_from_vouchers
          FROM per_pool p JOIN moved m ON m.pool_id = p.id WHERE p.moved_in <> m.moved_from_vouchers
        ORDER BY 1, 2`,
  );
  expect(problems, "pool conservation (R-POOL-1..4) violated").toEqual([]);
}

/** Everything a pool or enterprise call may change, to prove a refused call changed nothing. */
export async function poolSnapshot(db: Executor) {
  const [row] = await rows<Record<string, string>>(
    db,
    sql`SELECT (SELECT count(*) FROM coupons)::text AS coupons,
               (SELECT coalesce(sum(balance_minor), 0) FROM coupons)::text AS balances,
               (SELECT count(*) FROM coupons WHERE reclaimed_at IS NOT NULL)::text AS reclaimed,
               (SELECT count(*) FROM coupon_ledger)::text AS ledger,
               (SELECT count(*) FROM coupon_shares)::text AS shares,
               (SELECT coalesce(string_agg(id || '=' || funds_minor, ',' ORDER BY id), '') FROM quota_pools) AS funds,
               (SELECT count(*) FROM pool_ledger)::text AS pool_ledger,
               (SELECT count(*) FROM audit_log)::text AS audit,
               (SELECT count(*) FROM idempotency_keys)::text AS keys,
               (SELECT count(*) FROM enterprises)::text AS enterprises,
               (SELECT string_agg(enterprise_id || account_id || status, ',' ORDER BY enterprise_id, account_id) FROM enterprise_members) AS members,
               (SELECT count(*) FILTER (WHERE ended_at IS NULL) FROM financial_relationships)::text AS live_rel,
               (SELECT count(*) FILTER (WHERE NOT revoked) FROM admin_permissions)::text AS live_perms`,
  );
  return row;
}

export const pool = (handle: DatabaseHandle, user: DemoUserId | null) => callerFor(handle, user);

export async function poolFunds(db: Executor, poolId = "pool-acme-usd"): Promise<number> {
  const [r] = await rows<{ f: string }>(
    db,
    sql`SELECT funds_minor::text AS f FROM quota_pools WHERE id = ${poolId}`,
  );
  return Number(r?.f);
}

export async function balanceOf(db: Executor, couponId: string): Promise<number> {
  const [r] = await rows<{ b: string }>(
    db,
    sql`SELECT balance_minor::text AS b FROM coupons WHERE id = ${couponId}`,
  );
  return Number(r?.b);
}

export { ACCOUNTS };

export type TestUser = { userId: string; email: string; accountId: string; accountName: string };

/** Test factory: a new account (optional) and a customer user on it, password DEMO_PASSWORD. */
export async function makeUser(
  db: Executor,
  u: TestUser,
  opts: { newAccount?: boolean } = {},
): Promise<SessionUser> {
  if (opts.newAccount) {
    await db.execute(sql`INSERT INTO accounts (id, name) VALUES (${u.accountId}, ${u.accountName})`);
  }
  const hash = DEMO_PASSWORD_HASH;
  await db.execute(
    sql`INSERT INTO users (id, email, name, password_hash, account_id) VALUES (${u.userId}, ${u.email}, ${u.accountName}, ${hash}, ${u.accountId})`,
  );
  return sessionUserOf(u);
}

export function sessionUserOf(u: TestUser): SessionUser {
  return {
    userId: u.userId,
    email: u.email,
    name: u.accountName,
    role: "customer",
    accountId: u.accountId,
    accountName: u.accountName,
    timeZone: "Asia/Shanghai",
    accountTimeZone: "Asia/Shanghai",
    locale: null,
    currency: "USD",
  };
}

export function callerAs(handle: DatabaseHandle, user: SessionUser | null) {
  return createCaller({ handle, sessionToken: undefined, user });
}
