import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { type Db, type Executor, rows } from "@/db/client";
import { coupons, couponShares, poolLedger, products } from "@/db/schema";
import type { SessionUser } from "@/server/auth/session";
import {
  type Enterprise,
  managedAccounts,
  requireAdmin,
  requirePermission,
} from "@/server/enterprise/access";
import { writeAudit } from "@/server/enterprise/audit";
import { DomainError, notFound } from "@/server/errors";
import { MAX_MINOR, parseMoneyInput } from "@/server/money";
import { postVoucher } from "@/server/vouchers/ledger";
import { endOfDayExclusive, startOfDay } from "@/server/vouchers/rules";
import { claimIdempotencyKey, requestHash, storeIdempotentResponse } from "@/server/idempotency";
import { newCouponId } from "@/server/vouchers/service";
import type { AssignInput, GenerateInput, MoveInInput, ReclaimInput } from "./schema";

export type Pool = { id: string; currency: string; fundsMinor: number };

/**
 * Who may use the pool (R-POOL-1): an administrator of an enabled enterprise's financial account,
 * holding the Quota Pool permission now, while the financial account manages at least one member.
 * Inside a money transaction the grant is read FOR SHARE (a revoke waits for us, then wins).
 */
export async function poolAccess(db: Executor, user: SessionUser, opts: { lock?: boolean } = {}) {
  const ent = await requireAdmin(db, user);
  await requirePermission(db, user, ent, "quota_pool", opts);
  const live = await rows<{ ok: number }>(
    db,
    sql`SELECT 1 AS ok FROM financial_relationships
        WHERE enterprise_id = ${ent.id} AND financial_account_id = ${ent.masterAccountId} AND ended_at IS NULL LIMIT 1`,
  );
  if (live.length === 0) {
    throw new DomainError("FINANCIAL_RELATIONSHIP_REQUIRED", "FINANCIAL_RELATIONSHIP_REQUIRED");
  }
  return ent;
}

/** The enterprise's pool in the financial account's currency, if it exists (reads never create it). */
export async function findPool(db: Executor, ent: Enterprise, forUpdate = false): Promise<Pool | null> {
  const [p] = await rows<{ id: string; currency: string; funds: string }>(
    db,
    forUpdate
      ? sql`SELECT id, currency, funds_minor::text AS funds FROM quota_pools
            WHERE enterprise_id = ${ent.id} AND currency = ${ent.currency} FOR UPDATE`
      : sql`SELECT id, currency, funds_minor::text AS funds FROM quota_pools
            WHERE enterprise_id = ${ent.id} AND currency = ${ent.currency}`,
  );
  return p ? { id: p.id, currency: p.currency, fundsMinor: Number(p.funds) } : null;
}

async function ensurePool(tx: Executor, ent: Enterprise): Promise<Pool> {
  await tx.execute(
    sql`INSERT INTO quota_pools (id, enterprise_id, currency)
        VALUES (${`pool-${randomBytes(6).toString("hex")}`}, ${ent.id}, ${ent.currency})
        ON CONFLICT (enterprise_id, currency) DO NOTHING`,
  );
  const pool = await findPool(tx, ent);
  if (!pool) throw new Error("pool row missing after insert");
  return pool;
}

/** The shared idempotency claim (server/idempotency.ts), keyed by the caller's account. */
async function claimKey<T>(
  tx: Executor,
  accountId: string,
  key: string,
  operation: string,
  payload: unknown,
): Promise<{ fresh: true } | { fresh: false; response: T }> {
  const prior = await claimIdempotencyKey<T>(tx, { accountId, key, operation, hash: requestHash(payload) });
  return prior === null ? { fresh: true } : { fresh: false, response: prior };
}

/** Adds the pool's funds by a positive or negative delta on the locked row; returns funds before and after. */
async function moveFunds(tx: Executor, pool: Pool, delta: number) {
  const [row] = await rows<{ funds: string }>(
    tx,
    sql`UPDATE quota_pools SET funds_minor = funds_minor + ${delta}
        WHERE id = ${pool.id} AND funds_minor + ${delta} >= 0
        RETURNING funds_minor::text AS funds`,
  );
  if (!row) return null;
  const after = Number(row.funds);
  return { before: after - delta, after };
}

export type MoveInResult = { couponId: string; amountMinor: number; fundsAfterMinor: number };

/**
 * R-POOL-1: moves the whole remaining balance of an available cash voucher of the financial
 * account into the pool. One transaction, locks in the fixed order voucher → pool: the voucher's
 * ledger gets a Reclaim row (with a note), the pool's ledger a Move In row, the audit log a row.
 */
export async function moveIn(db: Db, user: SessionUser, input: MoveInInput): Promise<MoveInResult> {
  const id = input.couponId.toUpperCase();
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL lock_timeout = '5s'`);
    // R-SEC-6: the caller's right first, on every request, replays included; then the key.
    const ent = await poolAccess(tx, user, { lock: true });
    const claim = await claimKey<MoveInResult>(tx, user.accountId, input.idempotencyKey, "quotaPool.moveIn", {
      id,
    });
    if (!claim.fresh) return claim.response;
    const pool = await ensurePool(tx, ent);

    const [v] = await rows<{
      couponType: string;
      currency: string;
      balance: string;
      poolId: string | null;
      shared: boolean;
      reclaimed: boolean;
      valid: boolean;
    }>(
      tx,
      sql`SELECT coupon_type AS "couponType", currency, balance_minor::text AS balance, pool_id AS "poolId", shared,
                 reclaimed_at IS NOT NULL AS reclaimed, (effective_from <= now() AND expires_at > now()) AS valid
          FROM coupons WHERE id = ${id} AND account_id = ${ent.masterAccountId} FOR UPDATE`,
    );
    if (!v) throw notFound("Voucher");
    if (v.couponType !== "Cash Coupon") {
      throw new DomainError("INVALID_INPUT", "POOL_DISCOUNT", { couponId: id });
    }
    if (v.poolId) {
      throw new DomainError("INVALID_INPUT", "POOL_GENERATED", { couponId: id });
    }
    if (v.shared) {
      throw new DomainError("INVALID_INPUT", "POOL_SHARED", { couponId: id });
    }
    if (v.currency !== pool.currency) {
      throw new DomainError("INVALID_INPUT", "POOL_CURRENCY", {
        couponId: id,
        currency: v.currency,
        poolCurrency: pool.currency,
      });
    }
    const amount = Number(v.balance);
    if (v.reclaimed || !v.valid || amount <= 0) {
      throw new DomainError("CONFLICT", "POOL_NOT_AVAILABLE", { couponId: id });
    }
    await postVoucher(tx, {
      couponId: id,
      type: "Reclaim",
      amountMinor: amount,
      accountId: ent.masterAccountId,
      actorUserId: user.userId,
      note: "Moved into the Coupon Quota Pool",
    });
    const funds = await moveFunds(tx, pool, amount);
    if (!funds) throw new Error("pool update failed");
    await tx.insert(poolLedger).values({
      poolId: pool.id,
      type: "Move In",
      amountMinor: amount,
      fundsAfterMinor: funds.after,
      couponId: id,
      actorUserId: user.userId,
    });
    await writeAudit(tx, {
      enterpriseId: ent.id,
      actorUserId: user.userId,
      action: "pool.move_in",
      targetType: "coupon",
      targetId: id,
      beforeMinor: funds.before,
      afterMinor: funds.after,
      details: { amountMinor: amount, poolId: pool.id },
    });
    const result: MoveInResult = { couponId: id, amountMinor: amount, fundsAfterMinor: funds.after };
    await storeIdempotentResponse(tx, user.accountId, input.idempotencyKey, result);
    return result;
  });
}

/** The accounts a pool voucher may be shared with: members the financial account manages now. */
async function checkAssignable(tx: Executor, ent: Enterprise, accountIds: string[]): Promise<string[]> {
  const managed = new Set((await managedAccounts(tx, ent)).map((a) => a.accountId));
  const unique = [...new Set(accountIds)];
  const outside = unique.filter((a) => !managed.has(a));
  if (outside.length > 0) {
    throw new DomainError("NOT_FOUND", "POOL_ACCOUNTS_OUTSIDE", { accounts: outside.join(", ") });
  }
  return unique.sort();
}

export type GenerateResult = {
  ids: string[];
  amountMinor: number;
  totalMinor: number;
  fundsAfterMinor: number;
};

/**
 * R-POOL-2: generates `quantity` custom vouchers of `amount` from the pool. The funds drop by
 * amount × quantity in one conditional UPDATE (refused, with nothing changed, when the pool holds
 * less); each voucher gets its Issuance row, a Generate row in the pool ledger and an audit row.
 */
export async function generate(db: Db, user: SessionUser, input: GenerateInput): Promise<GenerateResult> {
  const amount = parseMoneyInput("amount", input.amount);
  if (amount <= 0) throw new DomainError("INVALID_INPUT", "AMOUNT_POSITIVE", { field: "amount" });
  const total = amount * input.quantity;
  if (total > MAX_MINOR) throw new DomainError("INVALID_INPUT", "AMOUNT_TIMES_QUANTITY_TOO_LARGE");
  const minOrder = parseMoneyInput("minOrder", input.minOrder);
  // Typed days are read in the zone of the person generating (R-TZ-1).
  const effectiveFrom = startOfDay(input.effectiveFrom, user.timeZone);
  const expiresAt = endOfDayExclusive(input.expiresOn, user.timeZone);
  if (expiresAt.getTime() <= Date.now()) {
    throw new DomainError("INVALID_INPUT", "VALIDITY_ENDED");
  }
  const { idempotencyKey, ...payload } = input;

  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL lock_timeout = '5s'`);
    // R-SEC-6: the caller's right first, on every request, replays included; then the key.
    const ent = await poolAccess(tx, user, { lock: true });
    const claim = await claimKey<GenerateResult>(
      tx,
      user.accountId,
      idempotencyKey,
      "quotaPool.generate",
      payload,
    );
    if (!claim.fresh) return claim.response;
    const pool = await ensurePool(tx, ent);
    if (input.commodities.length > 0) {
      const known = new Set((await tx.select({ code: products.code }).from(products)).map((p) => p.code));
      const unknown = input.commodities.filter((c) => !known.has(c));
      if (unknown.length)
        throw new DomainError("INVALID_INPUT", "UNKNOWN_PRODUCT", { products: unknown.join(", ") });
    }
    const assignees = await checkAssignable(tx, ent, input.assignTo);

    const funds = await moveFunds(tx, pool, -total);
    if (!funds) {
      const now = await findPool(tx, ent);
      throw new DomainError("POOL_INSUFFICIENT_FUNDS", "POOL_INSUFFICIENT_FUNDS", {
        funds: { minor: now?.fundsMinor ?? 0, currency: pool.currency },
        quantity: input.quantity,
        amount: { minor: amount, currency: pool.currency },
        total: { minor: total, currency: pool.currency },
      });
    }
    const ids = Array.from({ length: input.quantity }, () => newCouponId());
    await tx.insert(coupons).values(
      ids.map((id) => ({
        id,
        accountId: ent.masterAccountId,
        couponType: "Cash Coupon" as const,
        currency: pool.currency,
        nominalMinor: amount,
        // Each Issuance entry below brings it to the amount (the one writer of voucher money).
        balanceMinor: 0,
        commodities: [...new Set(input.commodities)],
        scopes: [...new Set(input.scopes)],
        paymentTypes: [...new Set(input.paymentTypes)],
        minOrderMinor: minOrder,
        effectiveFrom: effectiveFrom.toISOString(),
        expiresAt: expiresAt.toISOString(),
        issuedAt: sql`now()` as unknown as string,
        source: "Quota pool" as const,
        description: input.description,
        shared: true,
        poolId: pool.id,
      })),
    );
    for (const id of ids) {
      await postVoucher(tx, {
        couponId: id,
        type: "Issuance",
        amountMinor: amount,
        accountId: ent.masterAccountId,
        actorUserId: user.userId,
        note: input.description || "Generated from the Coupon Quota Pool",
      });
    }
    await tx.insert(poolLedger).values(
      ids.map((id, i) => ({
        poolId: pool.id,
        type: "Generate" as const,
        amountMinor: amount,
        fundsAfterMinor: funds.before - amount * (i + 1),
        couponId: id,
        actorUserId: user.userId,
      })),
    );
    if (assignees.length > 0) {
      await tx
        .insert(couponShares)
        .values(ids.flatMap((couponId) => assignees.map((accountId) => ({ couponId, accountId }))));
    }
    for (const [i, id] of ids.entries()) {
      await writeAudit(tx, {
        enterpriseId: ent.id,
        actorUserId: user.userId,
        action: "pool.generate",
        targetType: "coupon",
        targetId: id,
        beforeMinor: funds.before - amount * i,
        afterMinor: funds.before - amount * (i + 1),
        details: {
          amountMinor: amount,
          quantity: input.quantity,
          poolId: pool.id,
          ...(assignees.length > 0 ? { sharedWith: assignees } : {}),
        },
      });
    }
    const result: GenerateResult = {
      ids,
      amountMinor: amount,
      totalMinor: total,
      fundsAfterMinor: funds.after,
    };
    await storeIdempotentResponse(tx, user.accountId, idempotencyKey, result);
    return result;
  });
}

/** Locks one of this pool's vouchers (payments lock the same row), or "not found". */
async function lockPoolVoucher(tx: Executor, pool: Pool | null, couponId: string) {
  if (!pool) throw notFound("Voucher");
  const [v] = await rows<{ id: string; balance: string; reclaimedAt: string | Date | null }>(
    tx,
    sql`SELECT id, balance_minor::text AS balance, reclaimed_at AS "reclaimedAt"
        FROM coupons WHERE id = ${couponId.toUpperCase()} AND pool_id = ${pool.id} FOR UPDATE`,
  );
  if (!v) throw notFound("Voucher");
  return v;
}

/** R-POOL-3: shares a generated voucher with member accounts the financial account manages. */
export async function assign(db: Db, user: SessionUser, input: AssignInput) {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL lock_timeout = '5s'`);
    const ent = await poolAccess(tx, user, { lock: true });
    const v = await lockPoolVoucher(tx, await findPool(tx, ent), input.couponId);
    if (v.reclaimedAt) {
      throw new DomainError("VOUCHER_ALREADY_RECLAIMED", "RECLAIMED_CANNOT_SHARE", { couponId: v.id });
    }
    const accountIds = await checkAssignable(tx, ent, input.accountIds);
    const inserted: string[] = [];
    for (const accountId of accountIds) {
      const r = await tx
        .insert(couponShares)
        .values({ couponId: v.id, accountId })
        .onConflictDoNothing()
        .returning({ accountId: couponShares.accountId });
      if (r.length > 0) inserted.push(accountId);
    }
    if (inserted.length > 0) {
      await writeAudit(tx, {
        enterpriseId: ent.id,
        actorUserId: user.userId,
        action: "pool.assign",
        targetType: "coupon",
        targetId: v.id,
        details: { added: inserted },
      });
    }
    return { couponId: v.id, added: inserted };
  });
}

export type ReclaimResult = { couponId: string; reclaimedMinor: number; fundsAfterMinor: number };

/**
 * R-POOL-4: the remaining balance of a generated voucher returns to the pool, exactly once. Lock
 * first, then compute from the locked row (research C3): SELECT … FOR UPDATE the voucher (a
 * payment in flight holds the same lock, so we see the balance it left), then zero it and mark it
 * reclaimed, then credit the pool. Never a RETURNING subquery: that reads the pre-lock snapshot.
 */
export async function reclaim(db: Db, user: SessionUser, input: ReclaimInput): Promise<ReclaimResult> {
  const id = input.couponId.toUpperCase();
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL lock_timeout = '5s'`);
    // R-SEC-6: the caller's right first, on every request, replays included; then the key.
    const ent = await poolAccess(tx, user, { lock: true });
    const claim = await claimKey<ReclaimResult>(
      tx,
      user.accountId,
      input.idempotencyKey,
      "quotaPool.reclaim",
      {
        id,
      },
    );
    if (!claim.fresh) return claim.response;
    const pool = await findPool(tx, ent);
    const v = await lockPoolVoucher(tx, pool, id);
    if (!pool) throw notFound("Voucher");
    if (v.reclaimedAt) {
      throw new DomainError("VOUCHER_ALREADY_RECLAIMED", "ALREADY_RECLAIMED", { couponId: v.id });
    }
    const amount = Number(v.balance);
    // Zeroes the balance and marks the voucher Reclaimed (an empty one too: no ledger row then).
    await postVoucher(tx, {
      couponId: v.id,
      type: "Reclaim",
      amountMinor: amount,
      accountId: ent.masterAccountId,
      actorUserId: user.userId,
      note: "Reclaimed to the Coupon Quota Pool",
      reclaim: true,
    });
    let funds = { before: pool.fundsMinor, after: pool.fundsMinor };
    if (amount > 0) {
      const moved = await moveFunds(tx, pool, amount);
      if (!moved) throw new Error("pool update failed");
      funds = moved;
      await tx.insert(poolLedger).values({
        poolId: pool.id,
        type: "Reclaim",
        amountMinor: amount,
        fundsAfterMinor: funds.after,
        couponId: v.id,
        actorUserId: user.userId,
      });
    } else {
      const current = await findPool(tx, ent);
      funds = { before: current?.fundsMinor ?? 0, after: current?.fundsMinor ?? 0 };
    }
    await writeAudit(tx, {
      enterpriseId: ent.id,
      actorUserId: user.userId,
      action: "pool.reclaim",
      targetType: "coupon",
      targetId: v.id,
      beforeMinor: funds.before,
      afterMinor: funds.after,
      details: { reclaimedMinor: amount, poolId: pool.id },
    });
    const result: ReclaimResult = { couponId: v.id, reclaimedMinor: amount, fundsAfterMinor: funds.after };
    await storeIdempotentResponse(tx, user.accountId, input.idempotencyKey, result);
    return result;
  });
}
