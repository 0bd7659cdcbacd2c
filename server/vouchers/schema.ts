import { z } from "zod";
import { COUPON_STATUSES } from "./rules";

export const PAYMENT_TYPES = ["Subscription", "Pay-as-you-go"] as const;
export const TRANSACTION_TYPES = [
  "New Purchase",
  "Renewal",
  "Upgrade",
  "OS Replacement",
  "Trial Conversion",
] as const;
export const COUPON_TYPES = ["Cash Coupon", "Discount Coupon"] as const;

/** URL-friendly names for the list state (R-LIST-2); one map feeds the page, the query and the export. */
export const TYPE_FILTERS = { all: null, cash: "Cash Coupon", discount: "Discount Coupon" } as const;
export const STATUS_FILTERS = {
  available: "Available",
  "used-up": "Used up",
  expired: "Expired",
  "not-yet-effective": "Not yet effective",
  reclaimed: "Reclaimed",
} as const satisfies Record<string, (typeof COUPON_STATUSES)[number]>;
export const SORT_KEYS = ["balance", "expiry", "issued"] as const;

export const couponId = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9-]+$/, "A voucher ID has letters, digits and dashes only");

export const listFilters = z.object({
  type: z.enum(Object.keys(TYPE_FILTERS) as [keyof typeof TYPE_FILTERS]).default("all"),
  status: z.enum(Object.keys(STATUS_FILTERS) as [keyof typeof STATUS_FILTERS]).optional(),
  q: z
    .string()
    .trim()
    .max(40)
    .regex(/^[A-Za-z0-9-]*$/, "Search by ID: letters, digits and dashes only")
    .optional(),
  expiringWithinDays: z.number().int().min(1).max(3650).optional(),
});
export type ListFilters = z.infer<typeof listFilters>;

export const listInput = listFilters.extend({
  sort: z.enum(SORT_KEYS).default("issued"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(20),
});
export type ListInput = z.infer<typeof listInput>;

export const couponRow = z.object({
  id: z.string(),
  accountId: z.string(),
  couponType: z.enum(COUPON_TYPES),
  currency: z.string(),
  nominalMinor: z.number().int(),
  balanceMinor: z.number().int(),
  discountBps: z.number().int().nullable(),
  discountCapMinor: z.number().int().nullable(),
  commodities: z.array(z.string()),
  scopes: z.array(z.enum(TRANSACTION_TYPES)),
  paymentTypes: z.array(z.enum(PAYMENT_TYPES)),
  minOrderMinor: z.number().int(),
  effectiveFrom: z.string(),
  expiresAt: z.string(),
  issuedAt: z.string(),
  status: z.enum(COUPON_STATUSES),
});
export type CouponRow = z.infer<typeof couponRow>;

/** A Coupons tab row: the table's columns only (R-LIST-1). */
export const listRow = couponRow.omit({ paymentTypes: true, discountCapMinor: true });
export type ListRow = z.infer<typeof listRow>;

export const listOutput = z.object({ items: z.array(listRow), nextCursor: z.string().nullable() });

export const historyInput = z.object({
  id: couponId,
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

/** The years a typed date or a cursor may name; anything else is a 400 (issue 11). */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 9999;

export const dateString = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a date like 2026-12-31")
  .refine(
    (d) => !Number.isNaN(Date.parse(d)) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d,
    {
      message: "Not a calendar date",
    },
  )
  // Years the console deals in (issue 11: 0000/0001 passed here, then failed in SQL or startOfDay).
  .refine((d) => d >= `${MIN_YEAR}-01-01` && d <= `${MAX_YEAR}-12-31`, {
    message: `Use a date between ${MIN_YEAR} and ${MAX_YEAR}`,
  });

export const issueInput = z
  .object({
    accountId: z.string().min(1).max(64),
    couponType: z.enum(COUPON_TYPES).default("Cash Coupon"),
    /** Decimal string in the account's currency, e.g. "100.00"; parsed exactly. */
    nominal: z.string().min(1).max(20),
    discountPercent: z.number().int().min(1).max(99).optional(),
    commodities: z.array(z.string().min(1).max(40)).max(50).default([]),
    scopes: z.array(z.enum(TRANSACTION_TYPES)).max(5).default([]),
    paymentTypes: z
      .array(z.enum(PAYMENT_TYPES))
      .min(1)
      .max(2)
      .default([...PAYMENT_TYPES]),
    minOrder: z.string().max(20).default("0"),
    effectiveFrom: dateString,
    expiresOn: dateString,
    description: z.string().max(200).default(""),
    idempotencyKey: z.string().min(8).max(100),
  })
  .refine((v) => v.expiresOn >= v.effectiveFrom, {
    message: "The validity period must end on or after the day it starts",
    path: ["expiresOn"],
  })
  .refine((v) => (v.couponType === "Discount Coupon") === (v.discountPercent !== undefined), {
    message: "A discount coupon needs a percentage; a cash coupon must not have one",
    path: ["discountPercent"],
  });
export type IssueInput = z.infer<typeof issueInput>;
