import { sql } from "drizzle-orm";
import { type Executor, rows } from "@/db/client";
import type { SessionUser } from "@/server/auth/session";
import { DomainError } from "@/server/errors";
import type { Permission } from "./schema";

export type Enterprise = {
  id: string;
  name: string;
  masterAccountId: string;
  ownerUserId: string | null;
  currency: string;
};

export const NOT_ENABLED_MESSAGE =
  "Enable the Enterprise Account Center first: your account is not an enterprise's financial account.";

/** The enterprise whose master (financial) account is this account, if any. Read fresh on every call. */
export async function enterpriseOfMaster(db: Executor, accountId: string): Promise<Enterprise | null> {
  const [row] = await rows<Enterprise>(
    db,
    sql`SELECT e.id, e.name, e.master_account_id AS "masterAccountId", e.owner_user_id AS "ownerUserId",
               a.currency
        FROM enterprises e JOIN accounts a ON a.id = e.master_account_id
        WHERE e.master_account_id = ${accountId}`,
  );
  return row ?? null;
}

/**
 * Administrators of an enterprise are the users of its master (financial) account (decision 006).
 * Anyone else gets a clear reason: members are told the console is the financial account's;
 * everybody else (including the platform operator) that the Enterprise Account Center is not enabled.
 */
export async function requireAdmin(db: Executor, user: SessionUser): Promise<Enterprise> {
  const ent = await enterpriseOfMaster(db, user.accountId);
  if (ent) return ent;
  const member = await rows<{ ok: number }>(
    db,
    sql`SELECT 1 AS ok FROM enterprise_members WHERE account_id = ${user.accountId} AND status = 'active' LIMIT 1`,
  );
  if (member.length > 0) {
    throw new DomainError("NOT_ENTERPRISE_ADMIN", "NOT_ENTERPRISE_ADMIN");
  }
  throw new DomainError("ENTERPRISE_NOT_ENABLED", "ENTERPRISE_NOT_ENABLED");
}

/** The enterprise owner (the user who enabled it) changes membership, relationships and permissions. */
export async function requireOwner(db: Executor, user: SessionUser, what: string): Promise<Enterprise> {
  const ent = await requireAdmin(db, user);
  if (ent.ownerUserId !== user.userId) {
    throw new DomainError("FORBIDDEN", "OWNER_ONLY", { action: what });
  }
  return ent;
}

/** Live permissions of a user on a financial account. */
export async function livePermissions(
  db: Executor,
  userId: string,
  financialAccountId: string,
): Promise<Permission[]> {
  const found = await rows<{ permission: Permission }>(
    db,
    sql`SELECT permission FROM admin_permissions
        WHERE user_id = ${userId} AND financial_account_id = ${financialAccountId} AND NOT revoked
        ORDER BY permission`,
  );
  return found.map((r) => r.permission);
}

/**
 * Checks a live permission for the enterprise's financial account (R-ENT-3). Inside a money
 * transaction pass `lock`: the grant row is read FOR SHARE, so a concurrent revoke waits for the
 * operation to finish and the next request sees it (no caching anywhere).
 */
export async function requirePermission(
  db: Executor,
  user: SessionUser,
  ent: Enterprise,
  permission: Permission,
  opts: { lock?: boolean } = {},
): Promise<void> {
  const found = await rows<{ ok: number }>(
    db,
    opts.lock
      ? sql`SELECT 1 AS ok FROM admin_permissions
            WHERE user_id = ${user.userId} AND financial_account_id = ${ent.masterAccountId}
              AND permission = ${permission} AND NOT revoked FOR SHARE`
      : sql`SELECT 1 AS ok FROM admin_permissions
            WHERE user_id = ${user.userId} AND financial_account_id = ${ent.masterAccountId}
              AND permission = ${permission} AND NOT revoked`,
  );
  if (found.length === 0) {
    throw new DomainError("PERMISSION_REQUIRED", "PERMISSION_REQUIRED", { permission });
  }
}

/** The audit log is for the owner and for holders of the Quota Pool permission. */
export async function requireAuditViewer(db: Executor, user: SessionUser): Promise<Enterprise> {
  const ent = await requireAdmin(db, user);
  if (ent.ownerUserId === user.userId) return ent;
  await requirePermission(db, user, ent, "quota_pool");
  return ent;
}

/** Accounts the financial account manages now: active members with a live relationship. */
export async function managedAccounts(db: Executor, ent: Enterprise) {
  return rows<{ accountId: string; name: string }>(
    db,
    sql`SELECT r.member_account_id AS "accountId", a.name
        FROM financial_relationships r
        JOIN enterprise_members m ON m.enterprise_id = r.enterprise_id AND m.account_id = r.member_account_id
        JOIN accounts a ON a.id = r.member_account_id
        WHERE r.enterprise_id = ${ent.id} AND r.financial_account_id = ${ent.masterAccountId}
          AND r.ended_at IS NULL AND m.status = 'active'
        ORDER BY r.member_account_id`,
  );
}

/** Whether a database error is a unique violation (a lost race on an insert): both drivers. */
export function isUniqueViolation(e: unknown): boolean {
  let cur: unknown = e;
  for (let i = 0; cur && i < 5; i++) {
    if ((cur as { code?: string }).code === "23505") return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}
