import { createHash } from "node:crypto";
import { and, asc, desc, eq, type SQL, sql } from "drizzle-orm";
import { type Executor, rows } from "@/db/client";
import { accounts, couponLedger, coupons, couponShares } from "@/db/schema";
import { preparedQuery } from "@/db/prepared";
import { type AccountScope, sessionScopeSql, viewableAccountIdsSql } from "@/server/auth/access";
import { notFound } from "@/server/errors";
import { decodeCursor, encodeCursor } from "./cursor";
import type { CouponStatus } from "./rules";
import { type ListFilters, type ListInput, type ListRow, STATUS_FILTERS, TYPE_FILTERS } from "./schema";

/** R-VOU-2, judged by the database clock: coupon_status() (db/sql/coupon_status.sql), the rule's one source. */
export const statusSql = sql<CouponStatus>`coupon_status(${coupons.reclaimedAt}, ${coupons.effectiveFrom}, ${coupons.expiresAt}, ${coupons.balanceMinor}, now())`;

/** "The coupon has this status now": the same function, compared (PostgreSQL inlines it). */
const statusIs = (status: CouponStatus): SQL => sql`${statusSql} = ${sql.raw(`'${status}'`)}`;

export const couponColumns = {
  id: coupons.id,
  accountId: coupons.accountId,
  couponType: coupons.couponType,
  currency: coupons.currency,
  nominalMinor: coupons.nominalMinor,
  balanceMinor: coupons.balanceMinor,
  discountBps: coupons.discountBps,
  discountCapMinor: coupons.discountCapMinor,
  commodities: coupons.commodities,
  scopes: coupons.scopes,
  paymentTypes: coupons.paymentTypes,
  minOrderMinor: coupons.minOrderMinor,
  effectiveFrom: coupons.effectiveFrom,
  expiresAt: coupons.expiresAt,
  issuedAt: coupons.issuedAt,
  status: statusSql,
};

/** The Coupons tab's row: only what the table shows (array columns cost parsing on every row). */
export const listColumns = {
  id: coupons.id,
  accountId: coupons.accountId,
  couponType: coupons.couponType,
  currency: coupons.currency,
  nominalMinor: coupons.nominalMinor,
  balanceMinor: coupons.balanceMinor,
  discountBps: coupons.discountBps,
  commodities: coupons.commodities,
  minOrderMinor: coupons.minOrderMinor,
  effectiveFrom: coupons.effectiveFrom,
  expiresAt: coupons.expiresAt,
  issuedAt: coupons.issuedAt,
  status: statusSql,
  scopes: coupons.scopes,
};

const SORT_COLUMN = {
  balance: coupons.balanceMinor,
  expiry: coupons.expiresAt,
  issued: coupons.issuedAt,
} as const;

/**
 * How a value enters a query: bound directly, or as a named placeholder of a prepared
 * statement (the value is then recorded for `execute`).
 */
type Bind = (name: string, value: unknown) => unknown;
const direct: Bind = (_name, value) => value;

/**
 * The accounts' condition. "All" reads the viewable accounts inside the statement (no query before
 * it, no id list sent). Written `(account_id IN (…)) IS TRUE`: the IS TRUE keeps the planner from
 * turning IN into a semi-join, so the scan keeps the sort's index order with LIMIT, and the
 * sub-select runs once as a hashed SubPlan (one hash probe per row; `= ANY(ARRAY(…))` compares each
 * row with every account, which doubled the 1 M-row export's database time).
 * The user and the own account are the only values: one prepared statement for any number of accounts.
 */
function scopeWhere(
  bind: Bind,
  scope: AccountScope,
  column: SQL | typeof coupons.accountId = coupons.accountId,
): SQL {
  if (scope.kind === "account") return sql`${column} = ${bind("account", scope.accountId)}`;
  if (scope.kind === "session") {
    const { requested } = scope;
    return sessionScopeSql(
      column,
      bind("session", scope.sessionHash),
      requested === undefined
        ? null
        : requested === "all"
          ? { all: true }
          : { account: bind("account", requested) },
    );
  }
  const ids = viewableAccountIdsSql(bind("user", scope.userId), bind("own", scope.ownAccountId));
  return sql`(${column} IN (${ids})) IS TRUE`;
}

function filterWhereWith(bind: Bind, scope: AccountScope, f: ListFilters): SQL {
  const parts: SQL[] = [scopeWhere(bind, scope)];
  const type = TYPE_FILTERS[f.type];
  if (type) parts.push(eq(coupons.couponType, bind("type", type) as typeof type));
  if (f.status) parts.push(statusIs(STATUS_FILTERS[f.status]));
  if (f.q) parts.push(sql`${coupons.id} ILIKE ${bind("q", `%${f.q.replace(/[\\%_]/g, "\\$&")}%`)}`);
  if (f.expiringWithinDays) {
    parts.push(statusIs("Available"));
    parts.push(
      sql`${coupons.expiresAt} <= now() + make_interval(days => ${bind("exp", f.expiringWithinDays)}::int)`,
    );
  }
  return and(...parts) as SQL;
}

/** The WHERE for the accounts' list under the filters; shared by the list, the totals and the exports. */
export const filterWhere = (scope: AccountScope, f: ListFilters): SQL => filterWhereWith(direct, scope, f);

function listPlanWith(bind: Bind, scope: AccountScope, input: ListInput) {
  const col = SORT_COLUMN[input.sort];
  const where: SQL[] = [filterWhereWith(bind, scope, input)];
  if (input.cursor) {
    const c = decodeCursor(input.cursor, `${input.sort}:${input.dir}`);
    const cmp = input.dir === "desc" ? sql`<` : sql`>`;
    const value =
      input.sort === "balance" ? sql`${bind("cv", c.v)}::bigint` : sql`${bind("cv", c.v)}::timestamptz`;
    where.push(sql`(${col}, ${coupons.id}) ${cmp} (${value}, ${bind("cid", c.id)})`);
  }
  const order = input.dir === "desc" ? [desc(col), desc(coupons.id)] : [asc(col), asc(coupons.id)];
  return { col, where: and(...where) as SQL, order };
}

/** WHERE (filters and keyset position) and ORDER BY of a list; shared by the page and the export. */
export const listPlan = (scope: AccountScope, input: ListInput) => listPlanWith(direct, scope, input);

/**
 * Timestamps leave the server as ISO-8601 UTC strings whichever driver read them and whatever
 * the session's zone: PostgreSQL's text form is "2026-11-26 18:00:00.123+08" (offset may carry minutes).
 */
export function iso(value: string | Date): string {
  if (value instanceof Date) return value.toISOString();
  // JSON's form of a timestamptz read in UTC (every list row, decision 009): "2026-11-26T18:00:00.123+00:00".
  if (value.length >= 25 && value.charCodeAt(10) === 84 /* T */ && value.endsWith("+00:00")) {
    return `${value.slice(0, -6)}Z`;
  }
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)$/.exec(value);
  if (!m) return new Date(value).toISOString();
  const [, day, time, frac = "", zone = "Z"] = m;
  if (zone === "Z" || /^\+00(:?00)?$/.test(zone)) return `${day}T${time}${frac}Z`;
  const offset =
    zone.length === 3 ? `${zone}:00` : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  // Keep microseconds: convert the whole seconds through Date, re-attach the fraction.
  const utc = new Date(`${day}T${time}${offset}`).toISOString().slice(0, 19);
  return `${utc}${frac}Z`;
}

type Dates = Record<"effectiveFrom" | "expiresAt" | "issuedAt", string | Date>;

/** A row's instants as ISO-8601 UTC strings (list rows and full rows alike). */
function withIsoDates<T extends Dates>(r: T): Omit<T, keyof Dates> & Record<keyof Dates, string> {
  return {
    ...r,
    effectiveFrom: iso(r.effectiveFrom),
    expiresAt: iso(r.expiresAt),
    issuedAt: iso(r.issuedAt),
  };
}

/** One Coupons tab row as the list statement sends it: a JSON array, in listColumns' order, then the sort value. */
type ListTuple = [
  id: string,
  accountId: string,
  couponType: ListRow["couponType"],
  currency: string,
  nominalMinor: number,
  balanceMinor: number,
  discountBps: number | null,
  commodities: string[],
  minOrderMinor: number,
  effectiveFrom: string,
  expiresAt: string,
  issuedAt: string,
  status: CouponStatus,
  sortValue: string,
  scopes: ListRow["scopes"],
];

/**
 * One page of the Coupons tab (R-LIST-1..3): one indexed keyset query, no OFFSET. Prepared once
 * per query shape (filters present, sort, cursor or not, the kind of scope); values are bound.
 * The page leaves PostgreSQL as one JSON value (an array of row arrays, re-sorted by the same keys
 * after the LIMIT): parsed natively in one go instead of column by column, row by row, which is most
 * of a page's cost in Node, the server's busiest core (decision 009).
 */
export async function listCoupons(db: Executor, scope: AccountScope, input: ListInput) {
  const values: Record<string, unknown> = { limit: input.limit + 1 };
  const bind: Bind = (name, value) => {
    values[name] = value;
    return sql.placeholder(name);
  };
  const { col, where, order } = listPlanWith(bind, scope, input);
  const shape = [
    scope.kind === "session"
      ? `session:${scope.requested === undefined ? "own" : scope.requested === "all" ? "all" : "one"}`
      : scope.kind,
    input.type,
    input.status ?? "",
    input.q ? "q" : "",
    input.expiringWithinDays ? "exp" : "",
    input.sort,
    input.dir,
    input.cursor ? "after" : "",
  ].join("|");
  const query = preparedQuery(db, `coupons-list:${shape}`, () => {
    const c = listColumns;
    const row = sql`json_build_array(${c.id}, ${c.accountId}, ${c.couponType}, ${c.currency}, ${c.nominalMinor},
      ${c.balanceMinor}, ${c.discountBps}, ${c.commodities}, ${c.minOrderMinor}, ${c.effectiveFrom}, ${c.expiresAt},
      ${c.issuedAt}, ${c.status}, ${col}::text, ${coupons.scopes})`;
    const page = db
      .select({ r: sql`${row}`.as("r"), k: sql`${col}`.as("k"), i: sql`${coupons.id}`.as("i") })
      .from(coupons)
      .where(where)
      .orderBy(...order)
      .limit(sql.placeholder("limit"));
    const dir = sql.raw(input.dir === "desc" ? "DESC" : "ASC");
    return (
      db
        .select({ rows: sql<ListTuple[] | string | null>`json_agg(t.r ORDER BY t.k ${dir}, t.i ${dir})` })
        .from(sql`(${page}) t`)
        // One server-side statement per shape: node-postgres holds each name to one text per connection.
        .prepare(`coupons_list_${createHash("sha256").update(shape).digest("hex").slice(0, 16)}`)
    );
  });
  const [result] = await query.execute(values);
  const raw = result?.rows ?? null;
  const found = ((typeof raw === "string" ? JSON.parse(raw) : raw) ?? []) as ListTuple[];
  const page = found.slice(0, input.limit);
  const last = page.at(-1);
  const nextCursor =
    found.length > input.limit && last
      ? encodeCursor({
          s: `${input.sort}:${input.dir}`,
          v: input.sort === "balance" ? last[5] : last[13],
          id: last[0],
        })
      : null;
  return {
    items: page.map(
      (r): ListRow => ({
        id: r[0],
        accountId: r[1],
        couponType: r[2],
        currency: r[3],
        nominalMinor: r[4],
        balanceMinor: r[5],
        discountBps: r[6],
        commodities: r[7],
        minOrderMinor: r[8],
        effectiveFrom: iso(r[9]),
        expiresAt: iso(r[10]),
        issuedAt: iso(r[11]),
        status: r[12],
        scopes: r[14],
      }),
    ),
    nextCursor,
  };
}

/**
 * Totals above the table (R-LIST-4), per currency, each saying exactly what it counts:
 * - `listCount`: the vouchers matching the filters, every type and status (the table's rows,
 *   the export's lines);
 * - `spendable*`: what the account(s) can spend now, whatever the filters: Available cash vouchers
 *   they own plus those other accounts share with them (R-POOL-3), each voucher once;
 *   `shared*` is the shared part, `expiring30Minor` the part that expires within 30 days.
 */
export async function couponTotals(db: Executor, scope: AccountScope, f: ListFilters) {
  const cashAvailable = sql`${coupons.couponType} = 'Cash Coupon' AND ${statusIs("Available")}`;
  const shareAccount = sql.raw('"coupon_shares"."account_id"');
  const found = await rows<{
    currency: string;
    list_count: string;
    spendable: string;
    spendable_count: string;
    shared: string;
    shared_count: string;
    expiring: string;
  }>(
    db,
    sql`WITH listed AS (
          SELECT ${coupons.currency} AS currency, count(*) AS n FROM ${coupons}
           WHERE ${filterWhere(scope, f)} GROUP BY 1),
        own AS (
          SELECT ${coupons.id} AS id, ${coupons.currency} AS currency, ${coupons.balanceMinor} AS balance,
                 ${coupons.expiresAt} AS expires_at
            FROM ${coupons} WHERE ${scopeWhere(direct, scope)} AND ${cashAvailable}),
        shared AS (
          SELECT DISTINCT ${coupons.id} AS id, ${coupons.currency} AS currency, ${coupons.balanceMinor} AS balance,
                 ${coupons.expiresAt} AS expires_at
            FROM ${couponShares} JOIN ${coupons} ON ${coupons.id} = ${couponShares.couponId}
           WHERE ${scopeWhere(direct, scope, shareAccount)} AND ${cashAvailable}
             AND ${coupons.id} NOT IN (SELECT id FROM own)),
        spend AS (SELECT *, false AS is_shared FROM own UNION ALL SELECT *, true FROM shared),
        totals AS (
          SELECT currency, sum(balance) AS spendable, count(*) AS spendable_count,
                 coalesce(sum(balance) FILTER (WHERE is_shared), 0) AS shared,
                 count(*) FILTER (WHERE is_shared) AS shared_count,
                 coalesce(sum(balance) FILTER (WHERE expires_at <= now() + interval '30 days'), 0) AS expiring
            FROM spend GROUP BY currency)
        SELECT coalesce(t.currency, l.currency) AS currency, coalesce(l.n, 0)::text AS list_count,
               coalesce(t.spendable, 0)::text AS spendable, coalesce(t.spendable_count, 0)::text AS spendable_count,
               coalesce(t.shared, 0)::text AS shared, coalesce(t.shared_count, 0)::text AS shared_count,
               coalesce(t.expiring, 0)::text AS expiring
          FROM totals t FULL JOIN listed l ON l.currency = t.currency ORDER BY 1`,
  );
  return found.map((r) => ({
    currency: r.currency,
    listCount: Number(r.list_count),
    spendableMinor: Number(r.spendable),
    spendableCount: Number(r.spendable_count),
    sharedMinor: Number(r.shared),
    sharedCount: Number(r.shared_count),
    expiring30Minor: Number(r.expiring),
  }));
}

/**
 * A voucher's summary for Coupon Deduction Details (R-DET-1). Does not check who may see it: call it
 * with the ID that visibleCoupon (server/auth/access.ts, via couponProcedure) returned.
 */
export async function couponDetails(db: Executor, id: string) {
  const [row] = await db
    .select({
      ...couponColumns,
      source: coupons.source,
      description: coupons.description,
      shared: coupons.shared,
      reclaimedAt: coupons.reclaimedAt,
      accountName: accounts.name,
      timeZone: accounts.timeZone,
    })
    .from(coupons)
    .innerJoin(accounts, eq(accounts.id, coupons.accountId))
    .where(eq(coupons.id, id));
  if (!row) throw notFound();
  const shares = row.shared
    ? await db
        .select({ accountId: couponShares.accountId, name: accounts.name })
        .from(couponShares)
        .innerJoin(accounts, eq(accounts.id, couponShares.accountId))
        .where(eq(couponShares.couponId, row.id))
        .orderBy(couponShares.accountId)
    : [];
  return {
    ...withIsoDates(row),
    source: row.source,
    description: row.description,
    shared: row.shared,
    reclaimedAt: row.reclaimedAt ? iso(row.reclaimedAt) : null,
    accountName: row.accountName,
    timeZone: row.timeZone,
    sharedWith: shares,
  };
}

/** The deduction details table (R-DET-1), newest first, keyset on (created_at, id). */
export async function couponHistory(
  db: Executor,
  couponId: string,
  cursor: string | undefined,
  limit: number,
) {
  const where: SQL[] = [eq(couponLedger.couponId, couponId)];
  if (cursor) {
    const c = decodeCursor(cursor, "history");
    where.push(
      sql`(${couponLedger.createdAt}, ${couponLedger.id}) < (${c.v}::timestamptz, ${Number(c.id)}::bigint)`,
    );
  }
  const found = await db
    .select({
      id: couponLedger.id,
      createdAt: couponLedger.createdAt,
      createdAtText: sql<string>`${couponLedger.createdAt}::text`,
      type: couponLedger.type,
      amountMinor: couponLedger.amountMinor,
      balanceAfterMinor: couponLedger.balanceAfterMinor,
      orderId: couponLedger.orderId,
      billId: couponLedger.billId,
      billLineId: couponLedger.billLineId,
      accountId: couponLedger.accountId,
      note: couponLedger.note,
    })
    .from(couponLedger)
    .where(and(...where))
    .orderBy(desc(couponLedger.createdAt), desc(couponLedger.id))
    .limit(limit + 1);
  const page = found.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(({ createdAtText: _t, createdAt, ...r }) => ({ ...r, createdAt: iso(createdAt) })),
    nextCursor:
      found.length > limit && last
        ? encodeCursor({ s: "history", v: last.createdAtText, id: String(last.id) })
        : null,
  };
}

/**
 * Balance over time for the chart (R-DET-4). A history of at most `points` rows comes back whole
 * (every change is drawn). A longer one is cut into `points / 4` equal runs of rows, and each run
 * gives its first, last, lowest and highest balance (fewer when they coincide): at most `points`
 * rows whose step line has the same shape, extremes included, as the full history's.
 */
export async function balanceSeries(db: Executor, couponId: string, points = 200) {
  const buckets = Math.max(1, Math.floor(points / 4));
  const found = await rows<{ at: string | Date; balance: string }>(
    db,
    sql`WITH l AS (
          SELECT created_at, balance_after_minor AS b,
                 row_number() OVER (ORDER BY created_at, id) AS rn, count(*) OVER () AS n
          FROM ${couponLedger} WHERE coupon_id = ${couponId}),
        m AS (
          SELECT l.*, CASE WHEN n <= ${points}::bigint THEN rn ELSE (rn - 1) * ${buckets}::bigint / n END AS bucket
          FROM l),
        r AS (
          SELECT m.*,
                 row_number() OVER (PARTITION BY bucket ORDER BY rn) AS first_in,
                 row_number() OVER (PARTITION BY bucket ORDER BY rn DESC) AS last_in,
                 row_number() OVER (PARTITION BY bucket ORDER BY b, rn) AS min_in,
                 row_number() OVER (PARTITION BY bucket ORDER BY b DESC, rn) AS max_in
          FROM m)
        SELECT created_at AS at, b::text AS balance FROM r
        WHERE first_in = 1 OR last_in = 1 OR min_in = 1 OR max_in = 1 ORDER BY rn`,
  );
  return found.map((r) => ({ at: iso(r.at), balanceMinor: Number(r.balance) }));
}

/** Vouchers shared with this account by another (R-POOL-3): shown beside the account's own. */
export async function sharedWithAccount(db: Executor, accountId: string) {
  const found = await db
    .select(listColumns)
    .from(couponShares)
    .innerJoin(coupons, eq(coupons.id, couponShares.couponId))
    .where(eq(couponShares.accountId, accountId))
    .orderBy(desc(coupons.issuedAt), desc(coupons.id))
    .limit(100);
  return found.map(withIsoDates);
}
