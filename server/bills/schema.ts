import { z } from "zod";
import { accountUid } from "@/server/enterprise/schema";
import { MAX_YEAR, MIN_YEAR } from "@/server/vouchers/schema";

/** The account(s) to show: one UID, or "all" the caller may see (R-LIST-5, R-ENT-3); default their own. */
const accountInput = z.object({ accountId: z.string().trim().min(1).max(64).optional() });

/** A bill ID as printed: `BILL-202611-…` (letters, digits and dashes). */
export const billId = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z0-9-]+$/, "A bill ID has letters, digits and dashes only");

/** A monthly billing cycle, `YYYY-MM`. */
export const cycle = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "A billing cycle is a month: YYYY-MM");

export const billsListInput = accountInput.extend({
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(100).default(24),
});

export const billGetInput = z.object({
  id: billId,
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(200).default(100),
});

/** The operator's "Record usage": one metered line on the account's bill for the instant's cycle. */
export const recordUsageInput = z.object({
  accountId: accountUid,
  productCode: z.string().min(1).max(40),
  /** Decimal string, e.g. "1.25"; parsed exactly into minor units. */
  amount: z.string().min(1).max(24),
  /** When the usage happened (ISO-8601 with an offset); it decides the billing cycle. */
  usageAt: z.iso.datetime({ offset: true }).refine((v) => {
    const y = new Date(v).getUTCFullYear();
    return y >= MIN_YEAR && y <= MAX_YEAR;
  }, `Use an instant between ${MIN_YEAR} and ${MAX_YEAR}`),
  description: z.string().trim().max(200).default(""),
});
export type RecordUsageInput = z.infer<typeof recordUsageInput>;

export const closeBillInput = z.object({ id: billId });
export const closeCycleInput = z.object({ cycle });

export const invoicesInput = accountInput.extend({
  /** Only this month (`YYYY-MM`); omitted: the latest months. */
  month: cycle.optional(),
  limit: z.number().int().min(1).max(500).default(200),
});
