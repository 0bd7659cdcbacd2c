import type { Locale } from "@/i18n/config";
import { csvHeader } from "@/i18n/request-locale";
import { sql } from "drizzle-orm";
import { type DatabaseHandle, type Executor, rows } from "@/db/client";
import { auditLog } from "@/db/schema";
import { csvRecord, neutralizeFormula } from "@/server/csv";
import { BOM, batchStream, localDay } from "@/server/vouchers/export";
import { iso } from "@/server/vouchers/queries";
import type { Enterprise } from "./access";
import { auditSentence, lookUpNames } from "./audit-text";

export type AuditEntry = {
  enterpriseId: string;
  actorUserId: string;
  action: string;
  targetType: "enterprise" | "account" | "user" | "coupon" | "pool";
  targetId: string;
  beforeMinor?: number | null;
  afterMinor?: number | null;
  details?: Record<string, unknown>;
};

/** Appends one audit row (R-POOL-5). Call it with the transaction that made the change. */
export async function writeAudit(tx: Executor, e: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    enterpriseId: e.enterpriseId,
    actorUserId: e.actorUserId,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    beforeMinor: e.beforeMinor ?? null,
    afterMinor: e.afterMinor ?? null,
    details: e.details ?? {},
  });
}

type AuditDbRow = {
  id: string | number;
  at: string | Date;
  actorUserId: string | null;
  actorEmail: string | null;
  actorName: string | null;
  action: string;
  targetType: string;
  targetId: string;
  beforeMinor: string | number | null;
  afterMinor: string | number | null;
  details: unknown;
};

const parseDetails = (d: unknown) =>
  (typeof d === "string" ? JSON.parse(d) : (d ?? {})) as Record<string, unknown>;

/** One page of an enterprise's audit log, newest first; keyset on the row id (no OFFSET). */
export async function listAudit(
  db: Executor,
  ent: Enterprise,
  cursor: string | undefined,
  limit: number,
  locale: Locale = "en",
) {
  const found = await rows<AuditDbRow>(
    db,
    sql`SELECT l.id, l.created_at AS at, l.actor_user_id AS "actorUserId", u.email AS "actorEmail", u.name AS "actorName",
               l.action, l.target_type AS "targetType", l.target_id AS "targetId",
               l.before_minor AS "beforeMinor", l.after_minor AS "afterMinor", l.details
        FROM audit_log l LEFT JOIN users u ON u.id = l.actor_user_id
        WHERE l.enterprise_id = ${ent.id} ${cursor ? sql`AND l.id < ${cursor}::bigint` : sql``}
        ORDER BY l.id DESC LIMIT ${limit + 1}`,
  );
  const page = found.slice(0, limit);
  const last = page.at(-1);
  const num = (v: string | number | null) => (v === null ? null : Number(v));
  const items = page.map((r) => ({
    id: Number(r.id),
    at: iso(r.at),
    actorUserId: r.actorUserId,
    actorEmail: r.actorEmail,
    actorName: r.actorName,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    beforeMinor: num(r.beforeMinor),
    afterMinor: num(r.afterMinor),
    details: parseDetails(r.details),
  }));
  const names = await lookUpNames(db, items, ent.currency);
  return {
    currency: ent.currency,
    items: items.map((i) => Object.assign(i, { sentence: auditSentence(i, names, locale) })),
    nextCursor: found.length > limit && last ? String(last.id) : null,
  };
}

export const AUDIT_HEADER = [
  "Time",
  "Actor",
  "Action",
  "Target Type",
  "Target",
  "Before",
  "After",
  "Details",
  "Description",
] as const;

const BATCH = 1000;

type ExportRow = {
  id: string | number;
  raw_details: unknown;
  before_minor: string | null;
  after_minor: string | null;
} & Record<
  | "time"
  | "actor"
  | "action"
  | "target_type"
  | "target"
  | "before"
  | "after"
  | "details"
  | "raw_action"
  | "raw_target_type"
  | "raw_target",
  string | null
>;

export function auditFileName(ent: Enterprise, timeZone: string, now = new Date()): string {
  return `audit-${ent.id.replace(/[^A-Za-z0-9-]/g, "")}-${localDay(timeZone, now)}.csv`;
}

/**
 * The enterprise's audit log as CSV (R-POOL-5), oldest first, streamed in keyset batches with
 * backpressure (one batch per pull), so memory stays flat whatever the log's length. The database
 * formats each cell with the helpers of migration 0001 (ISO-8601 with the viewer's offset,
 * decimal amounts, formula cells neutralised), as the voucher export does (decision 004).
 */
export function streamAudit(
  handle: DatabaseHandle,
  ent: Enterprise,
  timeZone: string,
  locale: Locale = "en",
) {
  let after = 0;
  let done = false;
  return batchStream(BOM + csvRecord(csvHeader("audit", AUDIT_HEADER, locale)), async () => {
    if (done) return null;
    const batch = await rows<ExportRow>(
      handle.db,
      sql`SELECT l.id, iso_in_zone(l.created_at, ${timeZone}) AS time,
                 csv_safe(coalesce(u.email, l.actor_user_id)) AS actor, csv_safe(l.action) AS action,
                 csv_safe(l.target_type) AS target_type, csv_safe(l.target_id) AS target,
                 minor_to_decimal(l.before_minor) AS before, minor_to_decimal(l.after_minor) AS after,
                 csv_safe(nullif(l.details::text, '{}')) AS details,
                 l.action AS raw_action, l.target_type AS raw_target_type, l.target_id AS raw_target,
                 l.details AS raw_details, l.before_minor::text AS before_minor, l.after_minor::text AS after_minor
          FROM audit_log l LEFT JOIN users u ON u.id = l.actor_user_id
          WHERE l.enterprise_id = ${ent.id} AND l.id > ${after}
          ORDER BY l.id LIMIT ${BATCH}`,
    );
    const last = batch.at(-1);
    done = !last || batch.length < BATCH;
    if (!last) return null;
    after = Number(last.id);
    const facts = batch.map((r) => ({
      action: r.raw_action ?? "",
      targetType: r.raw_target_type ?? "",
      targetId: r.raw_target ?? "",
      details: parseDetails(r.raw_details),
      beforeMinor: r.before_minor === null ? null : Number(r.before_minor),
      afterMinor: r.after_minor === null ? null : Number(r.after_minor),
    }));
    const names = await lookUpNames(handle.db, facts, ent.currency);
    return batch
      .map((r, i) =>
        csvRecord([
          r.time,
          r.actor,
          r.action,
          r.target_type,
          r.target,
          r.before,
          r.after,
          r.details,
          neutralizeFormula(auditSentence(facts[i] as (typeof facts)[number], names, locale)),
        ]),
      )
      .join("");
  });
}
