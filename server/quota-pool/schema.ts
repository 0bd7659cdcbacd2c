import { z } from "zod";
import { accountUid } from "@/server/enterprise/schema";
import { couponId, dateString, PAYMENT_TYPES, TRANSACTION_TYPES } from "@/server/vouchers/schema";

const idempotencyKey = z.string().min(8).max(100);

/** R-POOL-1: move an acquired voucher's whole remaining balance into the pool. */
export const moveInInput = z.object({ couponId, idempotencyKey });
export type MoveInInput = z.infer<typeof moveInInput>;

/** R-POOL-2: custom vouchers generated from the pool. */
export const generateInput = z
  .object({
    /** Decimal string in the pool's currency, e.g. "100.00"; parsed exactly. */
    amount: z.string().min(1).max(20),
    quantity: z.number().int().min(1).max(100).default(1),
    commodities: z.array(z.string().min(1).max(40)).max(50).default([]),
    scopes: z.array(z.enum(TRANSACTION_TYPES)).max(5).default([]),
    paymentTypes: z
      .array(z.enum(PAYMENT_TYPES))
      .min(1, "Pick at least one payment type")
      .max(2)
      .default([...PAYMENT_TYPES]),
    minOrder: z.string().max(20).default("0"),
    effectiveFrom: dateString,
    expiresOn: dateString,
    description: z.string().max(200).default(""),
    /** Accounts to share the new vouchers with at once (R-POOL-3); more can be assigned later. */
    assignTo: z.array(accountUid).max(50).default([]),
    idempotencyKey,
  })
  .refine((v) => v.expiresOn >= v.effectiveFrom, {
    message: "The validity period must end on or after the day it starts",
    path: ["expiresOn"],
  });
export type GenerateInput = z.infer<typeof generateInput>;

/** R-POOL-3: share a generated voucher with member accounts. */
export const assignInput = z.object({
  couponId,
  accountIds: z.array(accountUid).min(1, "Pick at least one account").max(50),
});
export type AssignInput = z.infer<typeof assignInput>;

/** R-POOL-4: the remaining balance back to the pool, exactly once. */
export const reclaimInput = z.object({ couponId, idempotencyKey });
export type ReclaimInput = z.infer<typeof reclaimInput>;

export const poolVouchersInput = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(50),
});
