import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { type Db, type Executor, rows } from "@/db/client";
import { adminPermissions, enterprises, financialRelationships, quotaPools } from "@/db/schema";
import type { SessionUser } from "@/server/auth/session";
import { DomainError, notFound } from "@/server/errors";
import { type Enterprise, isUniqueViolation, requireOwner } from "./access";
import { writeAudit } from "./audit";
import { PERMISSIONS, type Permission } from "./schema";

const newId = (prefix: string) => `${prefix}-${randomBytes(6).toString("hex")}`;

/**
 * R-ENT-1: the caller's account enables the Enterprise Account Center and becomes its master
 * (financial) account; the caller becomes the owner and gets every permission on it; the pool is
 * created in the account's currency. One transaction, audited.
 */
export async function enableEnterprise(db: Db, user: SessionUser, input: { name?: string }) {
  if (user.role === "operator") {
    throw new DomainError("FORBIDDEN", "OPERATOR_CANNOT_ENTERPRISE");
  }
  try {
    return await db.transaction(async (tx) => {
      const existing = await rows<{ id: string }>(
        tx,
        sql`SELECT id FROM enterprises WHERE master_account_id = ${user.accountId}`,
      );
      if (existing.length > 0) {
        throw new DomainError("CONFLICT", "ENTERPRISE_ALREADY_ENABLED");
      }
      const member = await rows<{ name: string }>(
        tx,
        sql`SELECT e.name FROM enterprise_members m JOIN enterprises e ON e.id = m.enterprise_id
            WHERE m.account_id = ${user.accountId} AND m.status = 'active'`,
      );
      if (member[0]) {
        throw new DomainError("CONFLICT", "MEMBER_CANNOT_ENABLE", { enterprise: member[0].name });
      }
      const id = newId("ent");
      const name = input.name ?? user.accountName;
      await tx.insert(enterprises).values({
        id,
        name,
        masterAccountId: user.accountId,
        ownerUserId: user.userId,
      });
      await tx
        .insert(adminPermissions)
        .values(
          PERMISSIONS.map((permission) => ({
            userId: user.userId,
            financialAccountId: user.accountId,
            permission,
            grantedBy: user.userId,
          })),
        )
        .onConflictDoUpdate({
          target: [adminPermissions.userId, adminPermissions.financialAccountId, adminPermissions.permission],
          set: { revoked: false, grantedBy: user.userId, grantedAt: sql`now()` as unknown as string },
        });
      await tx
        .insert(quotaPools)
        .values({ id: newId("pool"), enterpriseId: id, currency: user.currency })
        .onConflictDoNothing();
      await writeAudit(tx, {
        enterpriseId: id,
        actorUserId: user.userId,
        action: "enterprise.enable",
        targetType: "enterprise",
        targetId: id,
        details: { name, masterAccountId: user.accountId, permissions: PERMISSIONS },
      });
      return { id, name };
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new DomainError("CONFLICT", "ENTERPRISE_ALREADY_ENABLED");
    }
    throw e;
  }
}

async function accountName(tx: Executor, accountId: string): Promise<string | null> {
  const [row] = await rows<{ name: string }>(tx, sql`SELECT name FROM accounts WHERE id = ${accountId}`);
  return row?.name ?? null;
}

/** R-ENT-1: the master invites a member account by UID; the member's users accept. */
export async function inviteMember(db: Db, user: SessionUser, input: { accountId: string }) {
  return db.transaction(async (tx) => {
    const ent = await requireOwner(tx, user, "invite");
    const accountId = input.accountId;
    if (accountId === ent.masterAccountId) {
      throw new DomainError("INVALID_INPUT", "OWN_FINANCIAL_ACCOUNT");
    }
    const name = await accountName(tx, accountId);
    if (!name) throw notFound("Account");
    const busy = await rows<{ ok: number }>(
      tx,
      sql`SELECT 1 AS ok FROM enterprises WHERE master_account_id = ${accountId}
          UNION ALL
          SELECT 1 FROM enterprise_members WHERE account_id = ${accountId} AND status = 'active' AND enterprise_id <> ${ent.id}`,
    );
    if (busy.length > 0) {
      throw new DomainError("CONFLICT", "ACCOUNT_IN_ENTERPRISE", { accountId });
    }
    const [current] = await rows<{ status: string }>(
      tx,
      sql`SELECT status FROM enterprise_members WHERE enterprise_id = ${ent.id} AND account_id = ${accountId} FOR UPDATE`,
    );
    if (current?.status === "active") {
      throw new DomainError("CONFLICT", "ACCOUNT_ALREADY_MEMBER", { accountId });
    }
    if (current?.status === "invited") return { accountId, status: "invited" as const };
    if (current) {
      await tx.execute(
        sql`UPDATE enterprise_members SET status = 'invited', invited_at = now(), joined_at = NULL
            WHERE enterprise_id = ${ent.id} AND account_id = ${accountId}`,
      );
    } else {
      await tx.execute(
        sql`INSERT INTO enterprise_members (enterprise_id, account_id, status) VALUES (${ent.id}, ${accountId}, 'invited')`,
      );
    }
    await writeAudit(tx, {
      enterpriseId: ent.id,
      actorUserId: user.userId,
      action: "enterprise.invite",
      targetType: "account",
      targetId: accountId,
      details: { accountName: name },
    });
    return { accountId, status: "invited" as const };
  });
}

/** R-ENT-1: a user of the invited account accepts the invitation. */
export async function acceptInvitation(db: Db, user: SessionUser, input: { enterpriseId: string }) {
  try {
    return await db.transaction(async (tx) => {
      const [inv] = await rows<{ name: string }>(
        tx,
        sql`SELECT e.name FROM enterprise_members m JOIN enterprises e ON e.id = m.enterprise_id
            WHERE m.enterprise_id = ${input.enterpriseId} AND m.account_id = ${user.accountId} AND m.status = 'invited'
            FOR UPDATE OF m`,
      );
      if (!inv) throw notFound("Invitation");
      const busy = await rows<{ ok: number }>(
        tx,
        sql`SELECT 1 AS ok FROM enterprises WHERE master_account_id = ${user.accountId}
            UNION ALL
            SELECT 1 FROM enterprise_members WHERE account_id = ${user.accountId} AND status = 'active'`,
      );
      if (busy.length > 0) {
        throw new DomainError("CONFLICT", "ALREADY_IN_ENTERPRISE_LEAVE");
      }
      await tx.execute(
        sql`UPDATE enterprise_members SET status = 'active', joined_at = now()
            WHERE enterprise_id = ${input.enterpriseId} AND account_id = ${user.accountId} AND status = 'invited'`,
      );
      await writeAudit(tx, {
        enterpriseId: input.enterpriseId,
        actorUserId: user.userId,
        action: "enterprise.accept",
        targetType: "account",
        targetId: user.accountId,
      });
      return { enterpriseId: input.enterpriseId, name: inv.name, status: "active" as const };
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new DomainError("CONFLICT", "ALREADY_IN_ENTERPRISE");
    }
    throw e;
  }
}

/**
 * Removes the member's shares of the enterprise's pool vouchers. The vouchers are locked first
 * (in id order, the order payments lock them), so a payment in flight either commits before the
 * share goes or sees it gone.
 */
async function removePoolShares(tx: Executor, ent: Enterprise, accountId: string): Promise<string[]> {
  const locked = await rows<{ id: string }>(
    tx,
    sql`SELECT c.id FROM coupons c
        WHERE c.pool_id IN (SELECT id FROM quota_pools WHERE enterprise_id = ${ent.id})
          AND EXISTS (SELECT 1 FROM coupon_shares s WHERE s.coupon_id = c.id AND s.account_id = ${accountId})
        ORDER BY c.id FOR UPDATE OF c`,
  );
  const ids = locked.map((r) => r.id);
  if (ids.length > 0) {
    await tx.execute(sql`DELETE FROM coupon_shares WHERE account_id = ${accountId} AND coupon_id IN ${ids}`);
  }
  return ids;
}

async function endRelationships(tx: Executor, ent: Enterprise, accountId: string): Promise<string[]> {
  const ended = await rows<{ id: string }>(
    tx,
    sql`UPDATE financial_relationships SET ended_at = now()
        WHERE enterprise_id = ${ent.id} AND member_account_id = ${accountId} AND ended_at IS NULL
        RETURNING id`,
  );
  return ended.map((r) => r.id);
}

/** R-ENT-1/R-ENT-2: removing a member ends its relationships and its shares of pool vouchers. */
export async function removeMember(db: Db, user: SessionUser, input: { accountId: string }) {
  return db.transaction(async (tx) => {
    const ent = await requireOwner(tx, user, "remove");
    const [m] = await rows<{ status: string }>(
      tx,
      sql`SELECT status FROM enterprise_members
          WHERE enterprise_id = ${ent.id} AND account_id = ${input.accountId} AND status <> 'removed' FOR UPDATE`,
    );
    if (!m) throw notFound("Member");
    const shares = await removePoolShares(tx, ent, input.accountId);
    const relationships = await endRelationships(tx, ent, input.accountId);
    await tx.execute(
      sql`UPDATE enterprise_members SET status = 'removed'
          WHERE enterprise_id = ${ent.id} AND account_id = ${input.accountId}`,
    );
    await writeAudit(tx, {
      enterpriseId: ent.id,
      actorUserId: user.userId,
      action: "enterprise.remove_member",
      targetType: "account",
      targetId: input.accountId,
      details: { previousStatus: m.status, endedRelationships: relationships, removedShares: shares },
    });
    return { accountId: input.accountId, status: "removed" as const };
  });
}

/** R-ENT-2: the financial account starts managing an active member's finances. */
export async function setUpRelationship(db: Db, user: SessionUser, input: { accountId: string }) {
  try {
    return await db.transaction(async (tx) => {
      const ent = await requireOwner(tx, user, "manage");
      const [m] = await rows<{ status: string }>(
        tx,
        sql`SELECT status FROM enterprise_members
            WHERE enterprise_id = ${ent.id} AND account_id = ${input.accountId} AND status = 'active' FOR UPDATE`,
      );
      if (!m) throw notFound("Member");
      const [live] = await rows<{ id: string }>(
        tx,
        sql`SELECT id FROM financial_relationships WHERE member_account_id = ${input.accountId} AND ended_at IS NULL`,
      );
      if (live) return { id: live.id, accountId: input.accountId };
      const id = newId("fr");
      await tx.insert(financialRelationships).values({
        id,
        enterpriseId: ent.id,
        financialAccountId: ent.masterAccountId,
        memberAccountId: input.accountId,
      });
      await writeAudit(tx, {
        enterpriseId: ent.id,
        actorUserId: user.userId,
        action: "enterprise.relationship_start",
        targetType: "account",
        targetId: input.accountId,
        details: { relationshipId: id, financialAccountId: ent.masterAccountId },
      });
      return { id, accountId: input.accountId };
    });
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new DomainError("CONFLICT", "ALREADY_MANAGED");
    }
    throw e;
  }
}

/** R-ENT-2: ends the relationship; the member's shares of pool vouchers end with it (decision 006). */
export async function endRelationship(db: Db, user: SessionUser, input: { accountId: string }) {
  return db.transaction(async (tx) => {
    const ent = await requireOwner(tx, user, "unmanage");
    const [live] = await rows<{ id: string }>(
      tx,
      sql`SELECT id FROM financial_relationships
          WHERE enterprise_id = ${ent.id} AND member_account_id = ${input.accountId} AND ended_at IS NULL FOR UPDATE`,
    );
    if (!live) throw notFound("Financial management relationship");
    const shares = await removePoolShares(tx, ent, input.accountId);
    await endRelationships(tx, ent, input.accountId);
    await writeAudit(tx, {
      enterpriseId: ent.id,
      actorUserId: user.userId,
      action: "enterprise.relationship_end",
      targetType: "account",
      targetId: input.accountId,
      details: { relationshipId: live.id, removedShares: shares },
    });
    return { id: live.id, accountId: input.accountId };
  });
}

async function adminUser(tx: Executor, ent: Enterprise, userId: string) {
  const [u] = await rows<{ email: string }>(
    tx,
    sql`SELECT email FROM users WHERE id = ${userId} AND account_id = ${ent.masterAccountId}`,
  );
  if (!u) throw notFound("Administrator");
  return u;
}

/**
 * R-ENT-3: the owner grants a permission for the financial account to one of its administrators.
 * Takes effect on the next request: permissions are read from the table on every call.
 */
export async function grantPermission(
  db: Db,
  user: SessionUser,
  input: { userId: string; permission: Permission },
) {
  return db.transaction(async (tx) => {
    const ent = await requireOwner(tx, user, "grant");
    const target = await adminUser(tx, ent, input.userId);
    const changed = await rows<{ ok: number }>(
      tx,
      sql`INSERT INTO admin_permissions (user_id, financial_account_id, permission, granted_by)
          VALUES (${input.userId}, ${ent.masterAccountId}, ${input.permission}, ${user.userId})
          ON CONFLICT (user_id, financial_account_id, permission)
          DO UPDATE SET revoked = false, granted_by = excluded.granted_by, granted_at = now()
          WHERE admin_permissions.revoked
          RETURNING 1 AS ok`,
    );
    if (changed.length > 0) {
      await writeAudit(tx, {
        enterpriseId: ent.id,
        actorUserId: user.userId,
        action: "permission.grant",
        targetType: "user",
        targetId: input.userId,
        details: {
          permission: input.permission,
          email: target.email,
          financialAccountId: ent.masterAccountId,
        },
      });
    }
    return { userId: input.userId, permission: input.permission, granted: true, changed: changed.length > 0 };
  });
}

/** R-ENT-3: revoking takes effect on the next request (and waits for a pool operation holding the grant). */
export async function revokePermission(
  db: Db,
  user: SessionUser,
  input: { userId: string; permission: Permission },
) {
  return db.transaction(async (tx) => {
    const ent = await requireOwner(tx, user, "revoke");
    const target = await adminUser(tx, ent, input.userId);
    const changed = await rows<{ ok: number }>(
      tx,
      sql`UPDATE admin_permissions SET revoked = true
          WHERE user_id = ${input.userId} AND financial_account_id = ${ent.masterAccountId}
            AND permission = ${input.permission} AND NOT revoked
          RETURNING 1 AS ok`,
    );
    if (changed.length > 0) {
      await writeAudit(tx, {
        enterpriseId: ent.id,
        actorUserId: user.userId,
        action: "permission.revoke",
        targetType: "user",
        targetId: input.userId,
        details: {
          permission: input.permission,
          email: target.email,
          financialAccountId: ent.masterAccountId,
        },
      });
    }
    return {
      userId: input.userId,
      permission: input.permission,
      granted: false,
      changed: changed.length > 0,
    };
  });
}
