import { z } from "zod";

export const digestMode = z.enum(["off", "daily", "immediate"]);
export type DigestMode = z.infer<typeof digestMode>;

/** A notification's ID as the client holds it (a positive bigint, sent as a decimal string or number). */
export const notificationId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const listInput = z.object({
  /** The last ID of the previous page (IDs descend: newest first). */
  cursor: notificationId.optional(),
  limit: z.number().int().min(1).max(50).default(20),
});

export const notificationItem = z.object({
  id: z.number(),
  couponId: z.string(),
  thresholdDays: z.number(),
  currency: z.string(),
  /** The voucher's balance now (the notice's own figure is what the email said at the time). */
  balanceMinor: z.number(),
  expiresAt: z.string(),
  createdAt: z.string(),
  read: z.boolean(),
  /** coupon_status() now: "Available" unless it was used up, expired or reclaimed since. */
  status: z.string(),
  /** A pending order of the account this voucher can pay now, judged by voucher_reasons(). */
  orderId: z.string().nullable(),
});
export type NotificationItem = z.infer<typeof notificationItem>;

export const listOutput = z.object({
  items: z.array(notificationItem),
  nextCursor: z.number().nullable(),
  unread: z.number(),
});
