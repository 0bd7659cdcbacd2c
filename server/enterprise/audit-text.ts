import { sql } from "drizzle-orm";
import { type Executor, rows } from "@/db/client";
import { formatMoney } from "@/server/money";
import type { Locale } from "@/i18n/config";
import { translator } from "@/i18n/translate";

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

function join(items: string[], locale: Locale): string {
  return new Intl.ListFormat(locale === "zh" ? "zh-CN" : "en", { type: "conjunction" }).format(items);
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

/** One entry as a sentence in a language (the `audit` catalog; English by default, as the CSV had). */
export function auditSentence(e: AuditFacts, names: AuditNames, locale: Locale = "en"): string {
  const t = translator(locale, "audit");
  const d = e.details;
  // The amount from the details, or else from the pool's funds before and after.
  const moved = e.beforeMinor != null && e.afterMinor != null ? Math.abs(e.afterMinor - e.beforeMinor) : null;
  const money = (v: unknown) => {
    const n = num(v) ?? moved;
    return n === null ? t("anAmount") : formatMoney(n, names.currency, locale);
  };
  const account = (id: string, fallbackName?: string) => {
    const name = names.accounts.get(id) ?? fallbackName;
    return name ? t("account", { name, id }) : t("accountUid", { id });
  };
  const user = (id: string) => {
    const u = names.users.get(id);
    const email = str(d.email) || u?.email;
    return u ? t("userNamed", { name: u.name, email: u.email }) : email ? email : t("userId", { id });
  };
  const tp = translator(locale, "enums.permission");
  const permission = tp.has(str(d.permission)) ? tp(str(d.permission)) : str(d.permission);
  const shares = () => num(Array.isArray(d.removedShares) ? d.removedShares.length : d.removedShares) ?? 0;
  switch (e.action) {
    case "enterprise.enable":
      return t("enable", { name: str(d.name) || "none" });
    case "enterprise.invite":
      return t("invite", { account: account(e.targetId, str(d.accountName) || undefined) });
    case "enterprise.accept":
      return t("accept", { account: account(e.targetId) });
    case "enterprise.remove_member":
      return t("removeMember", { account: account(e.targetId), shares: shares() });
    case "enterprise.relationship_start":
      return t("relationshipStart", { account: account(e.targetId) });
    case "enterprise.relationship_end":
      return t("relationshipEnd", { account: account(e.targetId), shares: shares() });
    case "permission.grant":
      return t("grant", { permission, user: user(e.targetId) });
    case "permission.revoke":
      return t("revoke", { permission, user: user(e.targetId) });
    case "pool.move_in":
      return t("moveIn", { amount: money(d.amountMinor), id: e.targetId });
    case "pool.generate": {
      const shared = ids(d.sharedWith).map((id) => account(id));
      return t("generate", {
        id: e.targetId,
        amount: money(d.amountMinor),
        quantity: num(d.quantity) ?? 1,
        shared: shared.length ? join(shared, locale) : "none",
      });
    }
    case "pool.assign": {
      const added = ids(d.added).map((id) => account(id));
      return t("assign", {
        id: e.targetId,
        accounts: added.length ? join(added, locale) : t("noNewAccounts"),
      });
    }
    case "pool.reclaim":
      return t("reclaim", { amount: money(d.reclaimedMinor), id: e.targetId });
    case "pool.refund":
      return t("refund", {
        amount: money(d.returnedMinor),
        orderId: str(d.orderId),
        couponId: str(d.couponId),
      });
    default:
      return t("other", { action: e.action.replace(/[._]/g, " "), targetType: e.targetType, id: e.targetId });
  }
}
