import { sql } from "drizzle-orm";
import { type Executor, rows } from "@/db/client";
import { formatMoney } from "@/server/money";
import { PERMISSION_LABELS, type Permission } from "./schema";

/**
 * The audit log in people's words (R-POOL-5, R-UX-2): one sentence per entry, with names and
 * formatted money. The page and the CSV both use it; the CSV keeps the machine columns beside it.
 */
export type AuditFacts = {
  action: string;
  targetType: string;
  targetId: string;
  details: Record<string, unknown>;
  beforeMinor?: number | null;
  afterMinor?: number | null;
};

export type AuditNames = {
  accounts: ReadonlyMap<string, string>;
  users: ReadonlyMap<string, { name: string; email: string }>;
  currency: string;
};

const str = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
const num = (v: unknown) =>
  typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : null;
const ids = (v: unknown) => (Array.isArray(v) ? v.map(str).filter(Boolean) : []);

function join(items: string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** Every account and user an entry mentions, to look their names up in one go. */
export function mentioned(entries: readonly AuditFacts[]) {
  const accounts = new Set<string>();
  const users = new Set<string>();
  for (const e of entries) {
    if (e.targetType === "account") accounts.add(e.targetId);
    if (e.targetType === "user") users.add(e.targetId);
    for (const id of [...ids(e.details.sharedWith), ...ids(e.details.added)]) accounts.add(id);
  }
  return { accounts: [...accounts], users: [...users] };
}

/** Names (and the users' emails) for the mentioned ids; unknown ids are left out. */
export async function lookUpNames(
  db: Executor,
  entries: readonly AuditFacts[],
  currency: string,
): Promise<AuditNames> {
  const m = mentioned(entries);
  const accountRows = m.accounts.length
    ? await rows<{ id: string; name: string }>(
        db,
        sql`SELECT id, name FROM accounts WHERE id IN (${sql.join(
          m.accounts.map((a) => sql`${a}`),
          sql`, `,
        )})`,
      )
    : [];
  const userRows = m.users.length
    ? await rows<{ id: string; name: string; email: string }>(
        db,
        sql`SELECT id, name, email FROM users WHERE id IN (${sql.join(
          m.users.map((u) => sql`${u}`),
          sql`, `,
        )})`,
      )
    : [];
  return {
    accounts: new Map(accountRows.map((a) => [a.id, a.name])),
    users: new Map(userRows.map((u) => [u.id, { name: u.name, email: u.email }])),
    currency,
  };
}

export function auditSentence(e: AuditFacts, names: AuditNames): string {
  const d = e.details;
  // The amount from the details, or else from the pool's funds before and after.
  const moved = e.beforeMinor != null && e.afterMinor != null ? Math.abs(e.afterMinor - e.beforeMinor) : null;
  const money = (v: unknown) => {
    const n = num(v) ?? moved;
    return n === null ? "an amount" : formatMoney(n, names.currency);
  };
  const account = (id: string, fallbackName?: string) => {
    const name = names.accounts.get(id) ?? fallbackName;
    return name ? `${name} (UID ${id})` : `account UID ${id}`;
  };
  const user = (id: string) => {
    const u = names.users.get(id);
    const email = str(d.email) || u?.email;
    return u ? `${u.name} (${u.email})` : email ? email : `user ${id}`;
  };
  const permission = PERMISSION_LABELS[str(d.permission) as Permission] ?? str(d.permission);
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  switch (e.action) {
    case "enterprise.enable":
      return `Enabled the Enterprise Account Center${str(d.name) ? ` as "${str(d.name)}"` : ""}.`;
    case "enterprise.invite":
      return `Invited ${account(e.targetId, str(d.accountName) || undefined)} to join the enterprise.`;
    case "enterprise.accept":
      return `${account(e.targetId)} accepted the invitation and joined the enterprise.`;
    case "enterprise.remove_member": {
      const shares = num(Array.isArray(d.removedShares) ? d.removedShares.length : d.removedShares) ?? 0;
      return `Removed ${account(e.targetId)} from the enterprise${shares > 0 ? `; stopped sharing ${plural(shares, "voucher", "vouchers")} with it` : ""}.`;
    }
    case "enterprise.relationship_start":
      return `Started managing the finances of ${account(e.targetId)}.`;
    case "enterprise.relationship_end": {
      const shares = num(Array.isArray(d.removedShares) ? d.removedShares.length : d.removedShares) ?? 0;
      return `Stopped managing the finances of ${account(e.targetId)}${shares > 0 ? `; stopped sharing ${plural(shares, "voucher", "vouchers")} with it` : ""}.`;
    }
    case "permission.grant":
      return `Granted the ${permission} permission to ${user(e.targetId)}.`;
    case "permission.revoke":
      return `Revoked the ${permission} permission from ${user(e.targetId)}.`;
    case "pool.move_in":
      return `Moved ${money(d.amountMinor)} into the pool from voucher ${e.targetId}.`;
    case "pool.generate": {
      const shared = ids(d.sharedWith).map((id) => account(id));
      const quantity = num(d.quantity) ?? 1;
      return `Generated voucher ${e.targetId} of ${money(d.amountMinor)}${quantity > 1 ? ` (one of ${quantity} generated together)` : ""}${shared.length ? `, shared with ${join(shared)}` : ""}.`;
    }
    case "pool.assign": {
      const added = ids(d.added).map((id) => account(id));
      return `Shared voucher ${e.targetId} with ${added.length ? join(added) : "no new accounts"}.`;
    }
    case "pool.reclaim":
      return `Reclaimed the remaining ${money(d.reclaimedMinor)} of voucher ${e.targetId} into the pool.`;
    case "pool.refund":
      return `Returned ${money(d.returnedMinor)} to the pool: the voucher part of unsubscribed order ${str(d.orderId)}, paid with voucher ${str(d.couponId)} (already reclaimed).`;
    default:
      return `${e.action.replace(/[._]/g, " ")} on ${e.targetType} ${e.targetId}.`;
  }
}
