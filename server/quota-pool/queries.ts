import { sql } from "drizzle-orm";
import { type Executor, rows } from "@/db/client";
import type { SessionUser } from "@/server/auth/session";
import { managedAccounts } from "@/server/enterprise/access";
import { DomainError } from "@/server/errors";
import type { CouponStatus } from "@/server/vouchers/rules";
import { iso } from "@/server/vouchers/queries";
import { findPool, poolAccess } from "./service";

/** The pool page's header (R-POOL-1): funds and what made them, from the pool ledger. */
export async function poolOverview(db: Executor, user: SessionUser) {
  const ent = await poolAccess(db, user);
  const pool = await findPool(db, ent);
  const [sums] = pool
    ? await rows<Record<"movedIn" | "generated" | "reclaimed" | "refunded" | "count", string>>(
        db,
        sql`SELECT coalesce(sum(amount_minor) FILTER (WHERE type = 'Move In'), 0)::text AS "movedIn",
                   coalesce(sum(amount_minor) FILTER (WHERE type = 'Generate'), 0)::text AS generated,
                   coalesce(sum(amount_minor) FILTER (WHERE type = 'Reclaim'), 0)::text AS reclaimed,
                   coalesce(sum(amount_minor) FILTER (WHERE type = 'Refund'), 0)::text AS refunded,
                   count(*) FILTER (WHERE type = 'Generate')::text AS count
            FROM pool_ledger WHERE pool_id = ${pool.id}`,
      )
    : [];
  const n = (v: string | undefined) => Number(v ?? 0);
  return {
    enterprise: { id: ent.id, name: ent.name, masterAccountId: ent.masterAccountId },
    poolId: pool?.id ?? null,
    currency: pool?.currency ?? ent.currency,
    fundsMinor: pool?.fundsMinor ?? 0,
    movedInMinor: n(sums?.movedIn),
    generatedMinor: n(sums?.generated),
    reclaimedMinor: n(sums?.reclaimed),
    refundedMinor: n(sums?.refunded),
    generatedCount: n(sums?.count),
    assignable: await managedAccounts(db, ent),
  };
}

/** Vouchers of the financial account that can be moved into the pool: available, own, not shared, not from the pool. */
export async function movableVouchers(db: Executor, user: SessionUser) {
  const ent = await poolAccess(db, user);
  const found = await rows<{
    id: string;
    balance: string;
    nominal: string;
    currency: string;
    expiresAt: string | Date;
    description: string;
  }>(
    db,
    sql`SELECT id, balance_minor::text AS balance, nominal_minor::text AS nominal, currency,
               expires_at AS "expiresAt", description
        FROM coupons
        WHERE account_id = ${ent.masterAccountId} AND coupon_type = 'Cash Coupon' AND pool_id IS NULL
          AND NOT shared AND reclaimed_at IS NULL AND balance_minor > 0 AND currency = ${ent.currency}
          AND effective_from <= now() AND expires_at > now()
        ORDER BY expires_at, id LIMIT 200`,
  );
  return found.map((v) => ({
    id: v.id,
    balanceMinor: Number(v.balance),
    nominalMinor: Number(v.nominal),
    currency: v.currency,
    expiresAt: iso(v.expiresAt),
    description: v.description,
  }));
}

const CURSOR = /^(\d{1,18}):([A-Z0-9-]{1,40})$/;

/**
 * The vouchers generated from the pool (R-POOL-2..4), newest first, with who they are shared
 * with and what was spent; keyset on (pool ledger id of their Generate row).
 */
export async function poolVouchers(
  db: Executor,
  user: SessionUser,
  cursor: string | undefined,
  limit: number,
) {
  const ent = await poolAccess(db, user);
  const pool = await findPool(db, ent);
  if (!pool) return { currency: ent.currency, items: [], nextCursor: null };
  let after: { at: string; id: string } | null = null;
  if (cursor) {
    const m = CURSOR.exec(Buffer.from(cursor, "base64url").toString("utf8"));
    if (!m?.[1] || !m[2]) {
      throw new DomainError("INVALID_CURSOR", "INVALID_CURSOR");
    }
    after = { at: m[1], id: m[2] };
  }
  const found = await rows<{
    id: string;
    nominal: string;
    balance: string;
    currency: string;
    effectiveFrom: string | Date;
    expiresAt: string | Date;
    issuedAt: string | Date;
    issuedUs: string;
    reclaimedAt: string | Date | null;
    description: string;
    status: CouponStatus;
    spent: string;
    reclaimed: string;
    sharedWith: unknown;
  }>(
    db,
    sql`SELECT c.id, c.nominal_minor::text AS nominal, c.balance_minor::text AS balance, c.currency,
               c.effective_from AS "effectiveFrom", c.expires_at AS "expiresAt", c.issued_at AS "issuedAt",
               (extract(epoch FROM c.issued_at) * 1000000)::bigint::text AS "issuedUs",
               c.reclaimed_at AS "reclaimedAt", c.description,
               coupon_status(c.reclaimed_at, c.effective_from, c.expires_at, c.balance_minor, now()) AS status,
               coalesce(l.spent, 0)::text AS spent, coalesce(l.reclaimed, 0)::text AS reclaimed,
               coalesce((SELECT json_agg(json_build_object('accountId', s.account_id, 'name', a.name) ORDER BY s.account_id)
                         FROM coupon_shares s JOIN accounts a ON a.id = s.account_id WHERE s.coupon_id = c.id), '[]'::json)::text
                 AS "sharedWith"
        FROM coupons c
        LEFT JOIN LATERAL (
          SELECT sum(CASE type WHEN 'Deduction' THEN amount_minor WHEN 'Refund' THEN -amount_minor ELSE 0 END) AS spent,
                 sum(amount_minor) FILTER (WHERE type = 'Reclaim') AS reclaimed
          FROM coupon_ledger WHERE coupon_id = c.id) l ON true
        WHERE c.pool_id = ${pool.id}
          ${after ? sql`AND ((extract(epoch FROM c.issued_at) * 1000000)::bigint, c.id) < (${after.at}::bigint, ${after.id})` : sql``}
        ORDER BY (extract(epoch FROM c.issued_at) * 1000000)::bigint DESC, c.id DESC
        LIMIT ${limit + 1}`,
  );
  const page = found.slice(0, limit);
  const last = page.at(-1);
  return {
    currency: pool.currency,
    items: page.map((v) => ({
      id: v.id,
      nominalMinor: Number(v.nominal),
      balanceMinor: Number(v.balance),
      spentMinor: Number(v.spent),
      reclaimedMinor: Number(v.reclaimed),
      currency: v.currency,
      effectiveFrom: iso(v.effectiveFrom),
      expiresAt: iso(v.expiresAt),
      issuedAt: iso(v.issuedAt),
      reclaimedAt: v.reclaimedAt ? iso(v.reclaimedAt) : null,
      description: v.description,
      status: v.status,
      sharedWith: JSON.parse(String(v.sharedWith)) as { accountId: string; name: string }[],
    })),
    nextCursor:
      found.length > limit && last ? Buffer.from(`${last.issuedUs}:${last.id}`).toString("base64url") : null,
  };
}
