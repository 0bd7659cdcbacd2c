import { randomInt } from "node:crypto";
import { sql } from "drizzle-orm";
import { type Db, type Executor, rows } from "@/db/client";
import { DomainError, notFound } from "@/server/errors";
import { formatMoney, parseMoneyInput } from "@/server/money";
import { vcpayRefusal } from "@/server/vouchers/ledger";
import type { RecordUsageInput } from "./schema";

export type Actor = { userId: string; accountId: string };

/** What close_bill() answers (db/sql/close_bill.sql, bill_summary.sql). */
export type CloseResult = {
  billId: string;
  accountId: string;
  cycle: string;
  currency: string;
  status: "Closed";
  lines: number;
  totalMinor: number;
  voucherMinor: number;
  cashMinor: number;
  closedAt: string;
  alreadyClosed: boolean;
};

/**
 * The operator's "Record usage" (R-PAYG-1): one metered line on the account's bill for the cycle the
 * instant falls in (the account's time zone), opening that bill if needed. A closed cycle takes no
 * more usage; the bill row is share-locked while the line is added, so a close cannot run between
 * the check and the insert.
 */
export async function recordUsage(db: Db, input: RecordUsageInput) {
  const amountMinor = parseMoneyInput("amount", input.amount);
  if (amountMinor <= 0) throw new DomainError("INVALID_INPUT", "AMOUNT_POSITIVE", { field: "amount" });
  return db.transaction(async (tx) => {
    const [account] = await rows<{ currency: string; cycle: string; future: boolean }>(
      tx,
      sql`SELECT a.currency, to_char(${input.usageAt}::timestamptz AT TIME ZONE a.time_zone, 'YYYY-MM') AS cycle,
                 ${input.usageAt}::timestamptz > now() AS future
            FROM accounts a WHERE a.id = ${input.accountId}`,
    );
    if (!account) throw notFound("Account");
    if (account.future) throw new DomainError("INVALID_INPUT", "USAGE_IN_FUTURE");
    const [product] = await rows<{ code: string }>(
      tx,
      sql`SELECT code FROM products WHERE code = ${input.productCode}`,
    );
    if (!product) throw new DomainError("INVALID_INPUT", "UNKNOWN_PRODUCT", { products: input.productCode });
    const billId = `BILL-${account.cycle.replace("-", "")}-${input.accountId}`.toUpperCase();
    await tx.execute(
      sql`INSERT INTO bills (id, account_id, cycle, currency) VALUES (${billId}, ${input.accountId}, ${account.cycle}, ${account.currency})
          ON CONFLICT (account_id, cycle) DO NOTHING`,
    );
    const [bill] = await rows<{ id: string; status: string }>(
      tx,
      sql`SELECT id, status::text AS status FROM bills WHERE account_id = ${input.accountId} AND cycle = ${account.cycle} FOR SHARE`,
    );
    if (!bill) throw new Error("bill vanished");
    if (bill.status !== "Open") {
      throw new DomainError("CONFLICT", "CYCLE_CLOSED", { cycle: account.cycle });
    }
    const lineId = `BL-${Date.now().toString(36).toUpperCase()}${String(randomInt(1_000_000)).padStart(6, "0")}`;
    await tx.execute(
      sql`INSERT INTO bill_lines (id, bill_id, product_code, amount_minor, usage_at, description)
          VALUES (${lineId}, ${bill.id}, ${product.code}, ${amountMinor}, ${input.usageAt}::timestamptz, ${input.description})`,
    );
    return { billId: bill.id, lineId, cycle: account.cycle, amountMinor };
  });
}

function closeRefusal(e: unknown, billId: string): DomainError | null {
  const r = vcpayRefusal(e);
  if (!r) return null;
  if (r.code === "BILL_NOT_FOUND") return notFound("Bill");
  if (r.code === "CYCLE_NOT_ENDED") {
    return new DomainError("CONFLICT", "CYCLE_NOT_ENDED", { cycle: String(r.facts.cycle), billId });
  }
  return new DomainError("CONFLICT", "BILL_NOT_CLOSED", { billId, code: r.code });
}

/**
 * Closes one bill (R-PAYG-1): close_bill() applies the vouchers and closes it in one statement, one
 * short transaction. Closing a closed bill changes nothing and answers the same figures.
 */
export async function closeBill(db: Executor, actor: Actor | null, billId: string): Promise<CloseResult> {
  try {
    const [row] = await rows<{ r: CloseResult | string }>(
      db,
      sql`SELECT close_bill(${billId.toUpperCase()}, ${actor?.userId ?? null}) AS r`,
    );
    const r = row?.r;
    const result = (typeof r === "string" ? JSON.parse(r) : r) as CloseResult;
    return {
      ...result,
      lines: Number(result.lines),
      totalMinor: Number(result.totalMinor),
      voucherMinor: Number(result.voucherMinor),
      cashMinor: Number(result.cashMinor),
    };
  } catch (e) {
    throw closeRefusal(e, billId) ?? e;
  }
}

export type CycleResult = {
  cycle: string;
  closed: number;
  alreadyClosed: number;
  voucherMinor: number;
  cashMinor: number;
  refused: { billId: string; message: string }[];
};

/**
 * Closes every open bill of a cycle, one bill per transaction (never one giant transaction), in bill
 * ID order. Safe to run twice, side by side, or again after being killed half-way (T10): each bill is
 * closed once; the rest say "already closed". A bill that cannot be closed yet is reported, not fatal.
 */
export async function closeCycle(
  db: Db,
  actor: Actor | null,
  cycleText: string,
  onBill?: (r: CloseResult) => void,
): Promise<CycleResult> {
  const out: CycleResult = {
    cycle: cycleText,
    closed: 0,
    alreadyClosed: 0,
    voucherMinor: 0,
    cashMinor: 0,
    refused: [],
  };
  let after = "";
  for (;;) {
    const batch = await rows<{ id: string }>(
      db,
      sql`SELECT id FROM bills WHERE cycle = ${cycleText} AND status = 'Open' AND id > ${after} ORDER BY id LIMIT 500`,
    );
    if (batch.length === 0) break;
    for (const { id } of batch) {
      after = id;
      try {
        const r = await closeBill(db, actor, id);
        if (!r.alreadyClosed) {
          out.closed += 1;
          out.voucherMinor += r.voucherMinor;
          out.cashMinor += r.cashMinor;
        }
        onBill?.(r);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        out.refused.push({ billId: id, message: e.message });
      }
    }
  }
  // "Already closed" is every closed bill of the cycle this run did not close (closed before it, or by
  // a run beside it), so a second run reports them rather than nothing at all.
  const [closedNow] = await rows<{ n: string }>(
    db,
    sql`SELECT count(*)::text AS n FROM bills WHERE cycle = ${cycleText} AND status = 'Closed'`,
  );
  out.alreadyClosed = Math.max(0, Number(closedNow?.n ?? 0) - out.closed);
  return out;
}

export const describeClose = (r: CloseResult) =>
  `${r.billId}: ${formatMoney(r.totalMinor, r.currency)}, vouchers ${formatMoney(r.voucherMinor, r.currency)}, cash due ${formatMoney(r.cashMinor, r.currency)}`;
