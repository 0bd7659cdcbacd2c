import { type SQL, sql } from "drizzle-orm";
import { type Executor, rows } from "@/db/client";
import { notFound } from "@/server/errors";
import type { SessionUser } from "./session";

/**
 * The ids of the accounts a customer (not the operator) may see (R-ENT-3, R-ENT-4): their own,
 * the financial accounts they hold the Cards and Coupons permission for (not revoked), and the
 * members those manage through a live financial relationship. The one definition of the rule:
 * canViewAccount, viewableAccounts and the "All" scope of the list, totals and exports (scopeWhere
 * in server/vouchers/queries.ts) embed it, so it is read by the very statement that uses it and a
 * revoke applies to the next request. The values go in as given: bound values, or placeholders of
 * a prepared statement. May repeat an id.
 */
export function viewableAccountIdsSql(
  userId: unknown,
  ownAccountId: unknown,
  permission: AdminPermission = "cards_and_coupons",
): SQL {
  const p = sql.raw(`'${permission}'`);
  return sql`SELECT ${ownAccountId}::text
    UNION ALL
    SELECT p.financial_account_id FROM admin_permissions p
     WHERE p.user_id = ${userId} AND p.permission = ${p} AND NOT p.revoked
    UNION ALL
    SELECT r.member_account_id FROM admin_permissions p
      JOIN financial_relationships r ON r.financial_account_id = p.financial_account_id AND r.ended_at IS NULL
     WHERE p.user_id = ${userId} AND p.permission = ${p} AND NOT p.revoked`;
}

/**
 * The permission that opens another account's data of one kind (R-ENT-3): vouchers with Cards and
 * Coupons, pay-as-you-go bills with Bills, invoices with Invoices. Same rule for each.
 */
export type AdminPermission = "cards_and_coupons" | "bills" | "invoices";

/**
 * The live session's customer user (`id`) or account (`account_id`), as a scalar sub-select that
 * PostgreSQL runs once per statement: NULL when the session does not exist or has expired, and for
 * the operator.
 */
function sessionCustomerSql(sessionHash: unknown, column: "id" | "account_id"): SQL {
  return sql`(SELECT u.${sql.raw(column)} FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = ${sessionHash} AND s.expires_at > now() AND u.role = 'customer')`;
}

/**
 * The accounts condition of a "session" scope, on the given account column: the own account, or
 * the requested one or "all" within viewableAccountIdsSql of the session's user. False for every
 * row without a live customer session.
 */
export function sessionScopeSql(
  accountColumn: unknown,
  sessionHash: unknown,
  requested: { all: true } | { account: unknown } | null,
): SQL {
  const own = sessionCustomerSql(sessionHash, "account_id");
  if (!requested) return sql`${accountColumn} = ${own}`;
  const viewable = sql`(${accountColumn} IN (${viewableAccountIdsSql(sessionCustomerSql(sessionHash, "id"), own)})) IS TRUE`;
  return "all" in requested ? viewable : sql`${accountColumn} = ${requested.account} AND ${viewable}`;
}

/**
 * May this user see the given account's vouchers? Own account: yes. The platform operator:
 * any existing account. An enterprise administrator: the financial account and the members it
 * manages, only with the Cards and Coupons permission for that financial account (R-ENT-3).
 * One indexed query; called only when the target is not the caller's own account.
 */
export async function canViewAccount(
  db: Executor,
  user: SessionUser,
  accountId: string,
  permission: AdminPermission = "cards_and_coupons",
): Promise<boolean> {
  if (accountId === user.accountId) return true;
  const found = await rows<{ ok: number }>(
    db,
    user.role === "operator"
      ? sql`SELECT 1 AS ok FROM accounts WHERE id = ${accountId}`
      : // A restriction on the derived table reaches every branch: an index lookup, not the whole set.
        sql`SELECT 1 AS ok FROM (${viewableAccountIdsSql(user.userId, user.accountId, permission)}) v(id)
            WHERE v.id = ${accountId} LIMIT 1`,
  );
  return found.length > 0;
}

/**
 * May this user see voucher `id`? The one voucher check (R-SEC-1, R-SEC-2, R-ENT-3, R-POOL-3): the
 * voucher's account is one the user may see (own; an enterprise administrator's financial account
 * and managed members, with a live Cards and Coupons permission: viewableAccountIdsSql), or the
 * voucher is shared with the user's account; the platform operator sees every voucher. Otherwise
 * "Voucher not found", exactly as for an ID that does not exist. One indexed query, read on every
 * request (a revoke applies at once). couponProcedure (tRPC) and couponRoute (CSV export) call it.
 */
export async function visibleCoupon(
  db: Executor,
  user: SessionUser,
  id: string,
): Promise<{ id: string; accountId: string }> {
  const wanted = id.toUpperCase();
  const [found] = await rows<{ id: string; accountId: string }>(
    db,
    user.role === "operator"
      ? sql`SELECT id, account_id AS "accountId" FROM coupons WHERE id = ${wanted}`
      : sql`SELECT c.id, c.account_id AS "accountId" FROM coupons c
            WHERE c.id = ${wanted}
              AND (c.account_id IN (${viewableAccountIdsSql(user.userId, user.accountId)})
                   OR EXISTS (SELECT 1 FROM coupon_shares s WHERE s.coupon_id = c.id AND s.account_id = ${user.accountId}))`,
  );
  if (!found) throw notFound();
  return found;
}

/**
 * The accounts this user may pick in the Coupons tab's account filter (R-ENT-4): their own,
 * then those they administer with the Cards and Coupons permission. The operator sees every
 * account (first 500 by UID; they pick one, not "All").
 */
export async function viewableAccounts(
  db: Executor,
  user: SessionUser,
  permission: AdminPermission = "cards_and_coupons",
): Promise<{ id: string; name: string }[]> {
  if (user.role === "operator") {
    return rows<{ id: string; name: string }>(db, sql`SELECT id, name FROM accounts ORDER BY id LIMIT 500`);
  }
  return rows<{ id: string; name: string }>(
    db,
    sql`SELECT a.id, a.name FROM accounts a
        WHERE a.id IN (${viewableAccountIdsSql(user.userId, user.accountId, permission)})
        ORDER BY a.id = ${user.accountId} DESC, a.id`,
  );
}

/**
 * The accounts a list call acts on (R-LIST-5): one account, or "all" that a customer may see. "All"
 * is not resolved here: the list, totals and export statements read it themselves
 * (viewableAccountIdsSql), so there is no extra query and no id list sent back per request.
 */
export type AccountScope =
  | { kind: "account"; accountId: string }
  | { kind: "viewable"; userId: string; ownAccountId: string }
  /**
   * A caller known only by the session cookie's hash: the statement itself checks the session and
   * the right to the requested account (own when undefined, "all", or one UID), by the same rule as
   * canViewAccount. It finds no rows for a dead session, an account the caller may not see, and the
   * operator (whose calls take the ordinary path); see sessionScopeSql.
   */
  | { kind: "session"; sessionHash: string; requested: string | undefined };

/**
 * The scope of a list call: one UID, or "all" the caller may see. `null` when the caller may
 * not see the requested account (answer: not found). Shared by tRPC and the CSV route.
 */
export async function resolveAccountScope(
  db: Executor,
  user: SessionUser,
  requested: string | undefined,
): Promise<AccountScope | null | "operator-all"> {
  const target = requested ?? user.accountId;
  if (target === "all") {
    if (user.role === "operator") return "operator-all";
    // Without any grant this is just the caller's own account.
    return { kind: "viewable", userId: user.userId, ownAccountId: user.accountId };
  }
  return (await canViewAccount(db, user, target)) ? { kind: "account", accountId: target } : null;
}
