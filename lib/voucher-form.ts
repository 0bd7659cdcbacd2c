import { amountProblem } from "./errors";

/**
 * Checks of a voucher form (operator issuance, pool generation) in the browser, before anything is
 * sent: one sentence per field that needs changing, shown next to it (R-UX-2). The server checks
 * again; its answers are worded by useDescribeError with VOUCHER_FIELD_HINTS. Each value is a key
 * of the `forms` catalog.
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
    if (!Number.isInteger(p) || p < 1 || p > 99) out.discountPercent = "discountPercent";
  }
  if (fields.quantity) {
    const q = Number(text("quantity") || "1");
    if (!Number.isInteger(q) || q < 1 || q > 100) out.quantity = "quantity";
  }
  const from = text("effectiveFrom");
  const to = text("expiresOn");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) out.effectiveFrom = "effectiveFrom";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(to)) out.expiresOn = "expiresOnPick";
  else if (!out.effectiveFrom && to < from) out.expiresOn = "expiresOnAfter";
  if (f.getAll("paymentTypes").length === 0) out.paymentTypes = "paymentTypes";
  return out;
}

/** What to do about a field the server's validation rejected (keys of the `forms` catalog). */
export const VOUCHER_FIELD_HINTS: Record<string, string> = {
  accountId: "accountId",
  nominal: "nominal",
  amount: "amount",
  quantity: "quantity",
  minOrder: "minOrder",
  discountPercent: "discountPercent",
  effectiveFrom: "effectiveFrom",
  expiresOn: "expiresOn",
  paymentTypes: "paymentTypes",
  commodities: "commodities",
  scopes: "scopes",
  description: "description",
  assignTo: "assignTo",
};

/** The fields a server error can name (`params.field`), as the voucher forms call them. */
export const VOUCHER_FIELD_OF: Record<string, string> = {
  nominal: "nominal",
  amount: "amount",
  minOrder: "minOrder",
};
