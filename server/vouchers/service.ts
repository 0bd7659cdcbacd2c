import { randomInt } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accounts, coupons, products } from "@/db/schema";
import { claimIdempotencyKey, requestHash, storeIdempotentResponse } from "@/server/idempotency";
import { DomainError, notFound } from "@/server/errors";
import { parseMoneyInput } from "@/server/money";
import { postVoucher } from "./ledger";
import { endOfDayExclusive, startOfDay } from "./rules";
import type { IssueInput } from "./schema";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford base32: no I, L, O, U

/** A public voucher ID like CP-7Q2M-9XK4. */
export function newCouponId(): string {
  const pick = () => Array.from({ length: 4 }, () => ALPHABET[randomInt(32)]).join("");
  return `CP-${pick()}-${pick()}`;
}

/**
 * Direct issuance by the platform operator (R-VOU-1): the voucher and its Issuance ledger row
 * in one transaction, idempotent on the caller's key (same key and payload → same voucher;
 * same key, other payload → refused).
 */
/** `actor.timeZone`: the zone the typed dates are read in (R-TZ-1), the issuer's; UTC+8 by default. */
export async function issueCoupon(
  db: Db,
  actor: { userId: string; accountId: string; timeZone?: string },
  input: IssueInput,
) {
  const nominalMinor = parseMoneyInput("nominal", input.nominal);
  if (nominalMinor <= 0) throw new DomainError("INVALID_INPUT", "AMOUNT_POSITIVE", { field: "nominal" });
  const minOrderMinor = parseMoneyInput("minOrder", input.minOrder);
  const { idempotencyKey, ...payload } = input;
  const hash = requestHash(payload);

  return db.transaction(async (tx) => {
    const prior = await claimIdempotencyKey<{ id: string }>(tx, {
      accountId: actor.accountId,
      key: idempotencyKey,
      operation: "coupons.issue",
      hash,
    });
    if (prior) return prior;

    const [account] = await tx
      .select({ currency: accounts.currency, timeZone: accounts.timeZone })
      .from(accounts)
      .where(eq(accounts.id, input.accountId));
    if (!account) throw notFound("Account");
    if (input.commodities.length > 0) {
      const known = await tx.select({ code: products.code }).from(products);
      const codes = new Set(known.map((p) => p.code));
      const unknown = input.commodities.filter((c) => !codes.has(c));
      if (unknown.length)
        throw new DomainError("INVALID_INPUT", "UNKNOWN_PRODUCT", { products: unknown.join(", ") });
    }

    const id = newCouponId();
    const isDiscount = input.couponType === "Discount Coupon";
    await tx.insert(coupons).values({
      id,
      accountId: input.accountId,
      couponType: input.couponType,
      currency: account.currency,
      nominalMinor,
      // The Issuance entry below brings it to the nominal value (the one writer of voucher money).
      balanceMinor: 0,
      discountBps: isDiscount ? (input.discountPercent ?? 0) * 100 : null,
      discountCapMinor: isDiscount ? nominalMinor : null,
      commodities: [...new Set(input.commodities)],
      scopes: [...new Set(input.scopes)],
      paymentTypes: [...new Set(input.paymentTypes)],
      minOrderMinor,
      // Calendar dates are days in UTC+8 (R-TIME-1); the end is the next midnight, exclusive.
      effectiveFrom: startOfDay(input.effectiveFrom, actor.timeZone).toISOString(),
      expiresAt: endOfDayExclusive(input.expiresOn, actor.timeZone).toISOString(),
      issuedAt: sql`now()` as unknown as string,
      source: "Direct issuance",
      description: input.description,
    });
    await postVoucher(tx, {
      couponId: id,
      type: "Issuance",
      amountMinor: nominalMinor,
      accountId: input.accountId,
      actorUserId: actor.userId,
      note: input.description,
    });
    const response = { id };
    await storeIdempotentResponse(tx, actor.accountId, idempotencyKey, response);
    return response;
  });
}
