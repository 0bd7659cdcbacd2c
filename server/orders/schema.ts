import { z } from "zod";
import { couponId, PAYMENT_TYPES, TRANSACTION_TYPES } from "@/server/vouchers/schema";

export const orderId = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9-]+$/, "An order ID has letters, digits and dashes only");

export const createOrderInput = z.object({
  productCode: z.string().min(1).max(40),
  paymentType: z.enum(PAYMENT_TYPES),
  transactionType: z.enum(TRANSACTION_TYPES),
  /** Decimal string, e.g. "120.50"; parsed exactly into minor units. */
  amount: z.string().min(1).max(24),
});

export const payInput = z.object({
  orderId,
  /** null: "Do not use a voucher". */
  couponId: couponId.nullable(),
  /** The deduction the page showed; a different one at commit means the voucher changed (R-MATCH-7). */
  expectedDeductionMinor: z.number().int().min(0).max(10_000_000_000_000),
  idempotencyKey: z.string().min(8).max(100),
});
export type PayInput = z.infer<typeof payInput>;

/** Unsubscribe: refund part or all of a paid order, once (R-REF-1..5). */
export const refundInput = z.object({
  orderId,
  /** Decimal string, e.g. "50.00": the value refunded, split between the cash and voucher parts. */
  amount: z.string().min(1).max(24),
  idempotencyKey: z.string().min(8).max(100),
});
export type RefundInput = z.infer<typeof refundInput>;

export const ordersListInput = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(20),
});
