import { amountProblem } from "./errors";

/**
 * Checks of a voucher form (operator issuance, pool generation) in the browser, before anything is
 * sent: one sentence per field that needs changing, shown next to it (R-UX-2). The server checks
 * again; its answers are worded by describeError with VOUCHER_FIELD_HINTS.
 */
export function voucherFormProblems(
  f: FormData,
  fields: { amount: string; percent?: boolean; quantity?: boolean },
): Record<string, string> {
  const out: Record<string, string> = {};
  const text = (name: string) => String(f.get(name) ?? "").trim();
  const amount = amountProblem(text(fields.amount));
  if (amount) out[fields.amount] = amount;
  const minOrder = amountProblem(text("minOrder") || "0", { positive: false });
  if (minOrder) out.minOrder = minOrder;
  if (fields.percent) {
    const p = Number(text("discountPercent"));
    if (!Number.isInteger(p) || p < 1 || p > 99)
      out.discountPercent = "Enter a whole percentage from 1 to 99.";
  }
  if (fields.quantity) {
    const q = Number(text("quantity") || "1");
    if (!Number.isInteger(q) || q < 1 || q > 100) out.quantity = "Enter a whole number from 1 to 100.";
  }
  const from = text("effectiveFrom");
  const to = text("expiresOn");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) out.effectiveFrom = "Pick the first day the voucher can be used.";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(to)) out.expiresOn = "Pick the last day the voucher can be used.";
  else if (!out.effectiveFrom && to < from) out.expiresOn = "The last day must be on or after the first day.";
  if (f.getAll("paymentTypes").length === 0) out.paymentTypes = "Tick at least one payment type.";
  return out;
}

/** What to do about a field the server's validation rejected (its own text is not shown). */
export const VOUCHER_FIELD_HINTS: Record<string, string> = {
  accountId: "Choose the account to issue the voucher to.",
  nominal: "Enter an amount, like 100.00.",
  amount: "Enter an amount, like 100.00.",
  quantity: "Enter a whole number from 1 to 100.",
  minOrder: "Enter an amount, like 50.00, or 0 for no limit.",
  discountPercent: "Enter a whole percentage from 1 to 99.",
  effectiveFrom: "Pick the first day the voucher can be used.",
  expiresOn: "Pick a last day on or after the first day.",
  paymentTypes: "Tick at least one payment type.",
  commodities: "Untick the products that are no longer offered.",
  scopes: "Tick at most the listed transaction types.",
  description: "Use at most 200 characters.",
  assignTo: "Untick the accounts that are no longer members.",
};

/** The labels the server's sentences start with ("Nominal value: …"), per field. */
export const VOUCHER_FIELD_LABELS: Record<string, string> = {
  nominal: "Nominal value",
  amount: "Amount",
  minOrder: "Limit on order amount",
};
