import { sql } from "drizzle-orm";
import { type Executor, rows } from "@/db/client";
import { DomainError } from "@/server/errors";

/**
 * One change of a voucher's balance with its ledger row (R-VOU-4). `at`: the instant the caller
 * judged the change at (it then stamps the ledger row); without it the writer reads the clock under
 * the voucher's lock.
 */
export type VoucherEntry = {
  couponId: string;
  type: "Issuance" | "Deduction" | "Refund" | "Reclaim";
  amountMinor: number;
  /** The account whose order or bill used the voucher; the owner for issuance and reclaim. */
  accountId: string;
  actorUserId: string | null;
  at?: string | null;
  orderId?: string | null;
  refundId?: string | null;
  note?: string;
  /** Also mark the voucher Reclaimed (quota pool). */
  reclaim?: boolean;
};

/** A refusal of the writer (SQLSTATE 'VCPAY'): its code and facts. */
export function vcpayRefusal(e: unknown): { code: string; facts: Record<string, unknown> } | null {
  for (let c: unknown = e; c && typeof c === "object"; c = (c as { cause?: unknown }).cause) {
    const err = c as { code?: unknown; message?: unknown; detail?: unknown };
    if (err.code === "VCPAY" && typeof err.message === "string") {
      return { code: err.message, facts: typeof err.detail === "string" ? JSON.parse(err.detail) : {} };
    }
  }
  return null;
}

/**
 * The Node side of the one writer of voucher money: every balance change that Node code makes
 * (issuance, refund, reclaim, move into the pool) is this call of voucher_post()
 * (db/sql/voucher_post.sql), inside the caller's transaction. pay_order() and close_bill() call the
 * same SQL functions from the database. Returns the balance after.
 */
export async function postVoucher(tx: Executor, e: VoucherEntry): Promise<number> {
  try {
    const [r] = await rows<{ after: string }>(
      tx,
      sql`SELECT voucher_post(${e.couponId}, ${e.type}::ledger_type, ${e.amountMinor}::bigint, ${e.accountId},
                              ${e.actorUserId}, ${e.at ?? null}::timestamptz, ${e.orderId ?? null}, NULL, NULL,
                              ${e.refundId ?? null}, ${e.note ?? ""}, ${e.reclaim ?? false})::text AS after`,
    );
    return Number(r?.after);
  } catch (err) {
    const refusal = vcpayRefusal(err);
    if (!refusal) throw err;
    throw new DomainError("CONFLICT", "VOUCHER_CANNOT_TAKE", {
      couponId: e.couponId,
      code: refusal.code.toLowerCase().replaceAll("_", " "),
    });
  }
}
