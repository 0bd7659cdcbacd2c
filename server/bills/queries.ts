import { type SQL, sql } from "drizzle-orm";
import { type Executor, rows } from "@/db/client";
import { type AdminPermission, canViewAccount, viewableAccountIdsSql } from "@/server/auth/access";
import type { SessionUser } from "@/server/auth/session";
import { notFound } from "@/server/errors";
import { decodeCursor, encodeCursor } from "@/server/vouchers/cursor";
import { iso } from "@/server/vouchers/queries";

/** Whose bills or invoices a call reads: one account, every account a customer may see, or (operator) all. */
export type BillScope =
  | { kind: "account"; accountId: string }
  | { kind: "viewable"; userId: string; ownAccountId: string; permission: AdminPermission }
  | { kind: "everything" };

/**
 * The scope of a Bills or Invoices call (R-ENT-3 with the Bills / Invoices permission): the caller's
 * own account by default; "all" the accounts they may see; one UID only if they may see it, else
 * "not found" (never a hint that it exists). The operator may read any account, and all of them.
 */
export async function billScope(
  db: Executor,
  user: SessionUser,
  requested: string | undefined,
  permission: AdminPermission,
): Promise<BillScope> {
  const target = requested ?? user.accountId;
  if (target === "all") {
    return user.role === "operator"
      ? { kind: "everything" }
      : { kind: "viewable", userId: user.userId, ownAccountId: user.accountId, permission };
  }
  if (!(await canViewAccount(db, user, target, permission))) throw notFound("Account");
  return { kind: "account", accountId: target };
}

export function scopeSql(scope: BillScope, column: SQL): SQL {
  if (scope.kind === "account") return sql`${column} = ${scope.accountId}`;
  if (scope.kind === "everything") return sql`true`;
  return sql`(${column} IN (${viewableAccountIdsSql(scope.userId, scope.ownAccountId, scope.permission)})) IS TRUE`;
}

export type BillRow = {
  id: string;
  accountId: string;
  accountName: string;
  cycle: string;
  currency: string;
  status: "Open" | "Closed";
  lines: number;
  totalMinor: number;
  voucherMinor: number;
  /** What is left to pay in cash (R-PAYG-1). */
  cashMinor: number;
  /** R-INV-1: the cash part once the bill is closed. */
  invoiceableMinor: number;
  closedAt: string | null;
};

type RawBill = Omit<
  BillRow,
  "lines" | "totalMinor" | "voucherMinor" | "cashMinor" | "invoiceableMinor" | "closedAt"
> & {
  lines: string;
  total: string;
  voucher: string;
  invoiceable: string;
  closedAt: string | Date | null;
};

const billFields = sql`b.id, b.account_id AS "accountId", a.name AS "accountName", b.cycle, b.currency,
  b.status::text AS status, b.closed_at AS "closedAt",
  count(l.id)::text AS lines, coalesce(sum(l.amount_minor), 0)::text AS total,
  coalesce(sum(l.voucher_minor), 0)::text AS voucher,
  invoiceable_minor(b.status = 'Closed', coalesce(sum(l.amount_minor - l.voucher_minor), 0)::bigint, 0)::text AS invoiceable`;

function presentBill(r: RawBill): BillRow {
  const total = Number(r.total);
  const voucher = Number(r.voucher);
  return {
    id: r.id,
    accountId: r.accountId,
    accountName: r.accountName,
    cycle: r.cycle,
    currency: r.currency,
    status: r.status,
    lines: Number(r.lines),
    totalMinor: total,
    voucherMinor: voucher,
    cashMinor: total - voucher,
    invoiceableMinor: Number(r.invoiceable),
    closedAt: r.closedAt ? iso(r.closedAt) : null,
  };
}

/** Billing > Bills: cycles newest first, each with its total, voucher deduction, cash due and status. */
export async function listBills(db: Executor, scope: BillScope, cursor: string | undefined, limit: number) {
  const after = cursor ? decodeCursor(cursor, "bills") : null;
  const found = await rows<RawBill>(
    db,
    sql`SELECT ${billFields}
          FROM bills b JOIN accounts a ON a.id = b.account_id
          LEFT JOIN bill_lines l ON l.bill_id = b.id
         WHERE ${scopeSql(scope, sql`b.account_id`)}
           ${after ? sql`AND (b.cycle, b.id) < (${String(after.v).slice(0, 7)}, ${after.id})` : sql``}
         GROUP BY b.id, a.name
         ORDER BY b.cycle DESC, b.id DESC
         LIMIT ${limit + 1}`,
  );
  const page = found.slice(0, limit).map(presentBill);
  const last = page.at(-1);
  return {
    items: page,
    nextCursor:
      found.length > limit && last
        ? encodeCursor({ s: "bills", v: `${last.cycle}-01T00:00:00Z`, id: last.id })
        : null,
  };
}

export type BillLine = {
  id: string;
  productCode: string;
  productName: string;
  usageAt: string;
  description: string;
  amountMinor: number;
  voucherMinor: number;
  cashMinor: number;
  /** Which vouchers paid what of this line, in the order they were drawn. */
  deductions: { couponId: string; amountMinor: number }[];
};

/** A bill the caller may see (its account, with the Bills permission, R-ENT-3), or "not found". */
export async function visibleBill(db: Executor, user: SessionUser, id: string) {
  const [found] = await rows<{ id: string; accountId: string }>(
    db,
    sql`SELECT id, account_id AS "accountId" FROM bills WHERE id = ${id.toUpperCase()}`,
  );
  if (!found || !(await canViewAccount(db, user, found.accountId, "bills"))) throw notFound("Bill");
  return found;
}

/**
 * One bill with a page of its lines (usage order) and, for each line, the vouchers that paid it
 * (from the ledger: the same rows the vouchers' deduction details show). Not found unless the caller
 * may see the bill's account with the Bills permission.
 */
export async function getBill(
  db: Executor,
  user: SessionUser,
  id: string,
  cursor: string | undefined,
  limit: number,
) {
  const billIdUpper = (await visibleBill(db, user, id)).id;
  const [raw] = await rows<RawBill>(
    db,
    sql`SELECT ${billFields}
          FROM bills b JOIN accounts a ON a.id = b.account_id
          LEFT JOIN bill_lines l ON l.bill_id = b.id
         WHERE b.id = ${billIdUpper}
         GROUP BY b.id, a.name`,
  );
  if (!raw) throw notFound("Bill");
  const bill = presentBill(raw);
  const after = cursor ? decodeCursor(cursor, "bill-lines") : null;
  const found = await rows<{
    id: string;
    productCode: string;
    productName: string;
    usageAt: string | Date;
    k: string;
    description: string;
    amount: string;
    voucher: string;
    deductions: { couponId: string; amountMinor: number }[] | string | null;
  }>(
    db,
    sql`SELECT l.id, l.product_code AS "productCode", p.name AS "productName", l.usage_at AS "usageAt",
               l.usage_at::text AS k, l.description, l.amount_minor::text AS amount, l.voucher_minor::text AS voucher,
               (SELECT json_agg(json_build_object('couponId', d.coupon_id, 'amountMinor', d.amount_minor) ORDER BY d.id)
                  FROM coupon_ledger d
                 WHERE d.bill_id = l.bill_id AND d.bill_line_id = l.id AND d.type = 'Deduction') AS deductions
          FROM bill_lines l JOIN products p ON p.code = l.product_code
         WHERE l.bill_id = ${bill.id}
           ${after ? sql`AND (l.usage_at, l.id) > (${after.v}::timestamptz, ${after.id})` : sql``}
         ORDER BY l.usage_at, l.id
         LIMIT ${limit + 1}`,
  );
  const page = found.slice(0, limit);
  const last = page.at(-1);
  const lines: BillLine[] = page.map((l) => {
    const amount = Number(l.amount);
    const voucher = Number(l.voucher);
    const deductions = (typeof l.deductions === "string" ? JSON.parse(l.deductions) : l.deductions) ?? [];
    return {
      id: l.id,
      productCode: l.productCode,
      productName: l.productName,
      usageAt: iso(l.usageAt),
      description: l.description,
      amountMinor: amount,
      voucherMinor: voucher,
      cashMinor: amount - voucher,
      deductions: deductions.map((d: { couponId: string; amountMinor: number | string }) => ({
        couponId: d.couponId,
        amountMinor: Number(d.amountMinor),
      })),
    };
  });
  // Per voucher over the whole bill: what each paid (the bill's summary).
  const byVoucher = await rows<{ couponId: string; amount: string; lines: string }>(
    db,
    sql`SELECT coupon_id AS "couponId", sum(amount_minor)::text AS amount, count(*)::text AS lines
          FROM coupon_ledger WHERE bill_id = ${bill.id} AND type = 'Deduction'
         GROUP BY coupon_id ORDER BY sum(amount_minor) DESC, coupon_id`,
  );
  return {
    bill,
    vouchers: byVoucher.map((v) => ({
      couponId: v.couponId,
      amountMinor: Number(v.amount),
      lines: Number(v.lines),
    })),
    lines,
    nextCursor:
      found.length > limit && last ? encodeCursor({ s: "bill-lines", v: iso(last.k), id: last.id }) : null,
  };
}

export type InvoiceItem = {
  kind: "order" | "bill";
  id: string;
  accountId: string;
  accountName: string;
  /** The month the charge belongs to: an order's payment month, a bill's cycle (account's time zone). */
  month: string;
  description: string;
  currency: string;
  totalMinor: number;
  voucherMinor: number;
  cashRefundedMinor: number;
  invoiceableMinor: number;
};

/**
 * Billing > Invoices (R-INV-1): for every paid order and closed bill, the invoiceable amount (the
 * cash part, less cash refunded) and the voucher part that is not invoiceable; monthly totals. The
 * months are the account's: an order by the month it was paid in the account's time zone, a bill by
 * its cycle.
 */
export async function listInvoices(db: Executor, scope: BillScope, month: string | undefined, limit: number) {
  const charges = sql`
    SELECT 'order' AS kind, o.id, o.account_id, to_char(o.paid_at AT TIME ZONE a.time_zone, 'YYYY-MM') AS month,
           pr.name || ' · ' || o.transaction_type::text AS description, o.currency,
           o.amount_minor AS total, o.voucher_minor AS voucher,
           coalesce(r.cash, 0) AS refunded,
           invoiceable_minor(o.status NOT IN ('Pending Payment', 'Cancelled'), o.cash_minor, r.cash::bigint) AS invoiceable,
           o.paid_at AS at
      FROM orders o JOIN accounts a ON a.id = o.account_id JOIN products pr ON pr.code = o.product_code
      LEFT JOIN LATERAL (SELECT sum(cash_refunded_minor) AS cash FROM refunds WHERE order_id = o.id) r ON true
     WHERE o.paid_at IS NOT NULL AND ${scopeSql(scope, sql`o.account_id`)}
    UNION ALL
    SELECT 'bill', b.id, b.account_id, b.cycle, 'Pay-as-you-go bill ' || b.cycle, b.currency,
           coalesce(sum(l.amount_minor), 0), coalesce(sum(l.voucher_minor), 0), 0,
           invoiceable_minor(true, coalesce(sum(l.amount_minor - l.voucher_minor), 0)::bigint, 0), b.closed_at
      FROM bills b LEFT JOIN bill_lines l ON l.bill_id = b.id
     WHERE b.status = 'Closed' AND ${scopeSql(scope, sql`b.account_id`)}
     GROUP BY b.id`;
  const months = await rows<{
    month: string;
    currency: string;
    n: string;
    total: string;
    voucher: string;
    refunded: string;
    invoiceable: string;
  }>(
    db,
    sql`SELECT month, currency, count(*)::text AS n, sum(total)::text AS total, sum(voucher)::text AS voucher,
               sum(refunded)::text AS refunded, sum(invoiceable)::text AS invoiceable
          FROM (${charges}) c GROUP BY month, currency ORDER BY month DESC, currency LIMIT 36`,
  );
  const chosen = month ?? months[0]?.month ?? null;
  const items = chosen
    ? await rows<{
        kind: "order" | "bill";
        id: string;
        account_id: string;
        name: string;
        month: string;
        description: string;
        currency: string;
        total: string;
        voucher: string;
        refunded: string;
        invoiceable: string;
      }>(
        db,
        sql`SELECT c.kind, c.id, c.account_id, a.name, c.month, c.description, c.currency, c.total::text AS total,
                   c.voucher::text AS voucher, c.refunded::text AS refunded, c.invoiceable::text AS invoiceable
              FROM (${charges}) c JOIN accounts a ON a.id = c.account_id
             WHERE c.month = ${chosen}
             ORDER BY c.at DESC, c.id DESC LIMIT ${limit}`,
      )
    : [];
  return {
    month: chosen,
    months: months.map((m) => ({
      month: m.month,
      currency: m.currency,
      charges: Number(m.n),
      totalMinor: Number(m.total),
      voucherMinor: Number(m.voucher),
      cashRefundedMinor: Number(m.refunded),
      invoiceableMinor: Number(m.invoiceable),
    })),
    items: items.map(
      (i): InvoiceItem => ({
        kind: i.kind,
        id: i.id,
        accountId: i.account_id,
        accountName: i.name,
        month: i.month,
        description: i.description,
        currency: i.currency,
        totalMinor: Number(i.total),
        voucherMinor: Number(i.voucher),
        cashRefundedMinor: Number(i.refunded),
        invoiceableMinor: Number(i.invoiceable),
      }),
    ),
  };
}
