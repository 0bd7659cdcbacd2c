import { sql } from "drizzle-orm";
import { type Executor, rows } from "@/db/client";
import type { SessionUser } from "./session";

/**
 * May this user see the given account's vouchers? Own account: yes. The platform operator:
 * any existing account. An enterprise administrator: the financial account and the members it
 * manages, only with the Cards and Coupons permission for that financial account (R-ENT-3).
 * One indexed query; called only when the target is not the caller's own account.
 */
export async function canViewAccount(db: Executor, user: SessionUser, accountId: string): Promise<boolean> {
  if (accountId === user.accountId) return true;
  if (user.role === "operator") {
    const found = await rows<{ ok: number }>(db, sql`SELECT 1 AS ok FROM accounts WHERE id = ${accountId}`);
    return found.length > 0;
  }
  const found = await rows<{ ok: number }>(
    db,
    sql`SELECT 1 AS ok FROM admin_permissions p
        WHERE p.user_id = ${user.userId} AND p.permission = 'cards_and_coupons' AND NOT p.revoked
          AND (p.financial_account_id = ${accountId}
               OR EXISTS (SELECT 1 FROM financial_relationships r
                          WHERE r.financial_account_id = p.financial_account_id
                            AND r.member_account_id = ${accountId} AND r.ended_at IS NULL))
        LIMIT 1`,
  );
  return found.length > 0;
}
