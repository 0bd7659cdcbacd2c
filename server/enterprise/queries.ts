import { sql } from "drizzle-orm";
import { type Executor, rows } from "@/db/client";
import type { SessionUser } from "@/server/auth/session";
import { iso } from "@/server/vouchers/queries";
import { enterpriseOfMaster, livePermissions, requireAdmin } from "./access";
import type { Permission } from "./schema";

/**
 * What the Enterprise Account Center looks like from the caller's account (R-ENT-1): the
 * enterprise it is the master of, the one it is a member of, and pending invitations. Never
 * throws for a signed-in user: this is what the page shows before anything is enabled.
 */
export async function enterpriseStatus(db: Executor, user: SessionUser) {
  const ent = await enterpriseOfMaster(db, user.accountId);
  const permissions = ent ? await livePermissions(db, user.userId, ent.masterAccountId) : [];
  const memberships = await rows<{
    enterpriseId: string;
    name: string;
    masterAccountId: string;
    status: "invited" | "active";
    invitedAt: string | Date;
    joinedAt: string | Date | null;
    managed: boolean;
  }>(
    db,
    sql`SELECT e.id AS "enterpriseId", e.name, e.master_account_id AS "masterAccountId", m.status,
               m.invited_at AS "invitedAt", m.joined_at AS "joinedAt",
               EXISTS (SELECT 1 FROM financial_relationships r WHERE r.enterprise_id = e.id
                         AND r.member_account_id = m.account_id AND r.ended_at IS NULL) AS managed
        FROM enterprise_members m JOIN enterprises e ON e.id = m.enterprise_id
        WHERE m.account_id = ${user.accountId} AND m.status IN ('invited', 'active')
        ORDER BY m.invited_at, e.id`,
  );
  const active = memberships.find((m) => m.status === "active");
  return {
    role: ent ? ("master" as const) : active ? ("member" as const) : ("none" as const),
    enterprise: ent ? { id: ent.id, name: ent.name, isOwner: ent.ownerUserId === user.userId } : null,
    permissions,
    memberOf: active
      ? {
          enterpriseId: active.enterpriseId,
          name: active.name,
          masterAccountId: active.masterAccountId,
          joinedAt: active.joinedAt ? iso(active.joinedAt) : null,
          managed: active.managed,
        }
      : null,
    invitations: memberships
      .filter((m) => m.status === "invited")
      .map((m) => ({
        enterpriseId: m.enterpriseId,
        name: m.name,
        masterAccountId: m.masterAccountId,
        invitedAt: iso(m.invitedAt),
      })),
  };
}

/** What the nav offers (mirrors the server's checks only to hide what cannot be used). */
export async function enterpriseNav(db: Executor, user: SessionUser) {
  if (user.role === "operator") return { enterprise: false, quotaPool: false };
  const ent = await enterpriseOfMaster(db, user.accountId);
  if (!ent) return { enterprise: true, quotaPool: false };
  const perms = await livePermissions(db, user.userId, ent.masterAccountId);
  return { enterprise: true, quotaPool: perms.includes("quota_pool") };
}

/** The Enterprise Account Center for an administrator: members, relationships, administrators and their permissions. */
export async function enterpriseDetail(db: Executor, user: SessionUser) {
  const ent = await requireAdmin(db, user);
  const [enabled] = await rows<{ enabledAt: string | Date; masterName: string }>(
    db,
    sql`SELECT e.enabled_at AS "enabledAt", a.name AS "masterName"
        FROM enterprises e JOIN accounts a ON a.id = e.master_account_id WHERE e.id = ${ent.id}`,
  );
  const members = await rows<{
    accountId: string;
    name: string;
    status: "invited" | "active";
    invitedAt: string | Date;
    joinedAt: string | Date | null;
    relationshipId: string | null;
    managedSince: string | Date | null;
  }>(
    db,
    sql`SELECT m.account_id AS "accountId", a.name, m.status, m.invited_at AS "invitedAt", m.joined_at AS "joinedAt",
               r.id AS "relationshipId", r.created_at AS "managedSince"
        FROM enterprise_members m
        JOIN accounts a ON a.id = m.account_id
        LEFT JOIN financial_relationships r ON r.enterprise_id = m.enterprise_id
             AND r.member_account_id = m.account_id AND r.ended_at IS NULL
        WHERE m.enterprise_id = ${ent.id} AND m.status IN ('invited', 'active')
        ORDER BY m.account_id`,
  );
  const grants = await rows<{ userId: string; email: string; name: string; permission: Permission | null }>(
    db,
    sql`SELECT u.id AS "userId", u.email, u.name, p.permission
        FROM users u LEFT JOIN admin_permissions p
          ON p.user_id = u.id AND p.financial_account_id = ${ent.masterAccountId} AND NOT p.revoked
        WHERE u.account_id = ${ent.masterAccountId}
        ORDER BY u.email, p.permission`,
  );
  const admins = new Map<
    string,
    { userId: string; email: string; name: string; permissions: Permission[] }
  >();
  for (const g of grants) {
    const a = admins.get(g.userId) ?? { userId: g.userId, email: g.email, name: g.name, permissions: [] };
    if (g.permission) a.permissions.push(g.permission);
    admins.set(g.userId, a);
  }
  return {
    id: ent.id,
    name: ent.name,
    masterAccountId: ent.masterAccountId,
    masterAccountName: enabled?.masterName ?? "",
    enabledAt: enabled ? iso(enabled.enabledAt) : null,
    ownerUserId: ent.ownerUserId,
    isOwner: ent.ownerUserId === user.userId,
    members: members.map((m) => ({
      accountId: m.accountId,
      name: m.name,
      status: m.status,
      invitedAt: iso(m.invitedAt),
      joinedAt: m.joinedAt ? iso(m.joinedAt) : null,
      managed: m.relationshipId !== null,
      managedSince: m.managedSince ? iso(m.managedSince) : null,
    })),
    administrators: [...admins.values()].map((a) => ({ ...a, isOwner: a.userId === ent.ownerUserId })),
  };
}
