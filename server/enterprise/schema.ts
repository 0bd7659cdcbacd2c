import { z } from "zod";
import { permissionCode } from "@/db/schema";

export const PERMISSIONS = permissionCode.enumValues;
export type Permission = (typeof PERMISSIONS)[number];

/** Display names of the permissions (R-ENT-3). */
export const PERMISSION_LABELS: Record<Permission, string> = {
  cards_and_coupons: "Cards and Coupons",
  orders: "Orders",
  bills: "Bills",
  invoices: "Invoices",
  quota_pool: "Coupon Quota Pool",
};

/** An account UID as typed by a person: digits (and, for demo accounts, letters and dashes). */
export const accountUid = z
  .string()
  .trim()
  .min(1, "Enter an account UID")
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, "An account UID has letters, digits and dashes only");

export const enableInput = z.object({ name: z.string().trim().min(1).max(100).optional() });
export const memberInput = z.object({ accountId: accountUid });
export const acceptInput = z.object({ enterpriseId: z.string().trim().min(1).max(64) });
export const permissionInput = z.object({
  userId: z.string().trim().min(1).max(64),
  permission: z.enum(PERMISSIONS),
});

export const auditListInput = z.object({
  /** The id of the last row seen (keyset, newest first). */
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, "The page cursor is malformed; start from the first page.")
    .optional(),
  limit: z.number().int().min(1).max(100).default(50),
});

export const auditRow = z.object({
  id: z.number().int(),
  at: z.string(),
  actorUserId: z.string().nullable(),
  actorEmail: z.string().nullable(),
  actorName: z.string().nullable(),
  /** The entry in words, with names and formatted money (R-UX-2). */
  sentence: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  beforeMinor: z.number().int().nullable(),
  afterMinor: z.number().int().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export const auditListOutput = z.object({
  currency: z.string(),
  items: z.array(auditRow),
  nextCursor: z.string().nullable(),
});
