import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";
import { createTranslator } from "next-intl";
import enErrors from "@/messages/en/errors.json";
import enReasons from "@/messages/en/reasons.json";
import { errorValues } from "@/lib/error-params";
import { formatMoney } from "./money";

/** Expected failures of domain functions. Mapped to tRPC/HTTP codes in one place (server/trpc/init.ts). */
export const DOMAIN_ERRORS = {
  UNAUTHENTICATED: "UNAUTHORIZED",
  NOT_FOUND: "NOT_FOUND",
  INVALID_INPUT: "BAD_REQUEST",
  INVALID_CURSOR: "BAD_REQUEST",
  FORBIDDEN: "FORBIDDEN",
  IDEMPOTENCY_KEY_REUSED: "UNPROCESSABLE_CONTENT",
  CONFLICT: "CONFLICT",
  ORDER_ALREADY_PAID: "CONFLICT",
  ORDER_NOT_PAYABLE: "CONFLICT",
  ORDER_NOT_REFUNDABLE: "CONFLICT",
  VOUCHER_CHANGED: "CONFLICT",
  VOUCHER_NOT_APPLICABLE: "UNPROCESSABLE_CONTENT",
  ENTERPRISE_NOT_ENABLED: "FORBIDDEN",
  NOT_ENTERPRISE_ADMIN: "FORBIDDEN",
  PERMISSION_REQUIRED: "FORBIDDEN",
  FINANCIAL_RELATIONSHIP_REQUIRED: "PRECONDITION_FAILED",
  POOL_INSUFFICIENT_FUNDS: "CONFLICT",
  VOUCHER_ALREADY_RECLAIMED: "CONFLICT",
  DATABASE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
} as const satisfies Record<string, TRPC_ERROR_CODE_KEY>;

export type DomainErrorCode = keyof typeof DOMAIN_ERRORS;

/** An amount in a parameter: worded by the reader in their language and the currency's format. */
export type MoneyParam = { minor: number; currency: string };
/**
 * The facts of an error (R-I18N-1, DESIGN 16): plain values, amounts as MoneyParam, and lists of
 * codes (`reasons`: payment-page reason codes). Never sentences.
 */
export type ErrorParam = string | number | MoneyParam | string[];
export type ErrorParams = Record<string, ErrorParam>;

/**
 * Expected failures travel as a code (`code`: the tRPC mapping; `reason`: the case, a key of the
 * `errors` catalog) plus parameters, and are worded by the client in the viewer's language. The
 * `message` is the English wording from the same catalog, for logs, API clients and tests.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    readonly reason: string,
    readonly params: ErrorParams = {},
  ) {
    super(englishMessage(reason, params));
    this.name = "DomainError";
  }
}

/**
 * The English wording, from the English catalog imported as data (this module is also bundled for
 * the browser through server/money.ts, so it reads no files); other languages: server/error-words.ts
 * on the server, lib/errors.ts in the browser.
 */
const english = createTranslator({
  locale: "en",
  messages: { errors: enErrors, reasons: enReasons } as Record<string, Record<string, string>>,
}) as unknown as {
  (key: string, values?: Record<string, string | number>): string;
  has(key: string): boolean;
};

export function englishMessage(reason: string, params: ErrorParams = {}): string {
  if (!english.has(`errors.${reason}`)) return reason;
  const values = errorValues(
    "en",
    params,
    (code) => (english.has(`reasons.${code}`) ? english(`reasons.${code}`) : code),
    (minor, currency) => formatMoney(minor, currency, "en"),
  );
  return english(`errors.${reason}`, values);
}

const NOT_FOUND_WHAT: Record<string, string> = {
  Voucher: "voucher",
  Order: "order",
  Account: "account",
  Bill: "bill",
  Member: "member",
  Invitation: "invitation",
  Administrator: "administrator",
  "Financial management relationship": "relationship",
  User: "user",
};

/** An order's status as an ICU select key. */
export function orderStatusKey(status: unknown): string {
  const s = String(status);
  if (s === "Pending Payment") return "pending";
  if (s === "Partially Refunded") return "partiallyRefunded";
  return s.toLowerCase();
}

export const notFound = (what = "Voucher") =>
  new DomainError("NOT_FOUND", "NOT_FOUND", { what: NOT_FOUND_WHAT[what] ?? "other" });

/** What the browser is told about an unexpected failure: never a stack trace or a database message. */
export const SERVER_FAILURE_MESSAGE =
  "Something went wrong on our side. Nothing was changed; please try again.";
