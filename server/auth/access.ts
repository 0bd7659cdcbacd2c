import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { type Executor, rows } from "@/db/client";
import { preparedQuery } from "@/db/prepared";
import { accounts, adminPermissions, financialRelationships } from "@/db/schema";
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

/**
 * The accounts this user may pick in the Coupons tab's account filter (R-ENT-4): their own,
 * then those they administer with the Cards and Coupons permission. The operator sees every
 * account (first 500 by UID; they pick one, not "All").
 */
export async function viewableAccounts(
  db: Executor,
  user: SessionUser,
): Promise<{ id: string; name: string }[]> {
  if (user.role === "operator") {
    return rows<{ id: string; name: string }>(db, sql`SELECT id, name FROM accounts ORDER BY id LIMIT 500`);
  }
  return rows<{ id: string; name: string }>(
    db,
    sql`SELECT a.id, a.name FROM accounts a
        WHERE a.id = ${user.accountId}
           OR a.id IN (
             SELECT p.financial_account_id FROM admin_permissions p
              WHERE p.user_id = ${user.userId} AND p.permission = 'cards_and_coupons' AND NOT p.revoked
             UNION
             SELECT r.member_account_id FROM admin_permissions p
               JOIN financial_relationships r ON r.financial_account_id = p.financial_account_id AND r.ended_at IS NULL
              WHERE p.user_id = ${user.userId} AND p.permission = 'cards_and_coupons' AND NOT p.revoked)
        ORDER BY a.id = ${user.accountId} DESC, a.id`,
  );
}

/**
 * The accounts a list call acts on: one UID, or "all" the caller may see. `null` when the
 * caller may not see the requested account (answer: not found). Shared by tRPC and the CSV route.
 */
export async function resolveAccountScope(
  db: Executor,
  user: SessionUser,
  requested: string | undefined,
): Promise<string[] | null | "operator-all"> {
  const target = requested ?? user.accountId;
  if (target === "all") {
    if (user.role === "operator") return "operator-all";
    const ids = (await viewableAccountIds(db).execute({ me: user.accountId, user: user.userId })).map(
      (a) => a.id,
    );
    return ids.length ? ids : [user.accountId];
  }
  return (await canViewAccount(db, user, target)) ? [target] : null;
}

/** The ids of `viewableAccounts`, as one prepared statement: "All" resolves on every request. */
const viewableAccountIds = (db: Executor) =>
  preparedQuery(db, "viewable-account-ids", () => {
    const granted = db
      .select({ id: adminPermissions.financialAccountId })
      .from(adminPermissions)
      .where(
        and(
          eq(adminPermissions.userId, sql.placeholder("user")),
          eq(adminPermissions.permission, "cards_and_coupons"),
          eq(adminPermissions.revoked, false),
        ),
      );
    const managed = db
      .select({ id: financialRelationships.memberAccountId })
      .from(financialRelationships)
      .where(
        and(
          inArray(financialRelationships.financialAccountId, granted),
          isNull(financialRelationships.endedAt),
        ),
      );
    return db
      .select({ id: accounts.id })
      .from(accounts)
      .where(
        or(
          eq(accounts.id, sql.placeholder("me")),
          inArray(accounts.id, granted),
          inArray(accounts.id, managed),
        ),
      )
      .orderBy(accounts.id)
      .prepare("viewable_account_ids");
  });
