import { MoneyParseError, parseMoney } from "@/server/money";

/**
 * Errors in people's words (R-UX-2). A failed call becomes a sentence for the form and, where the
 * failure is about one field, a sentence for that field; never a field path, an error code, a
 * library message or stack text. A failure on our side (or of the connection) says nothing was
 * changed and can be retried.
 */
export type UserFacingError = {
  /** The form-level sentence, or null when every problem is shown next to its field. */
  message: string | null;
  /** Field name → sentence, for the fields the failure is about. */
  fields: Record<string, string>;
  /** True when trying again may work (our side failed or the connection dropped). */
  retry: boolean;
};

export const SERVER_FAILURE =
  "Something went wrong on our side or with the connection. Nothing was changed; try again.";

type ErrorLike = { message?: unknown; data?: unknown } | null | undefined;

/** Text a user should never see: zod's pretty-print, library messages, codes, stack frames. */
const DEVELOPER_TEXT =
  /✖|→|\bat \w+\(|Unable to transform|Unexpected token|JSON|fetch|TRPC|ZodError|Invalid input|expected \w+|received|undefined|null|\b[A-Z]{2,}_[A-Z_]+\b|Minified React/;

/**
 * @param fieldHints field name → what to do, used when the server's validation rejects that field
 * @param fieldLabels field name → the label shown on the page; a server sentence that starts with a
 * label ("Refund amount: …") is shown next to that field, without the label
 */
export function describeError(
  error: ErrorLike,
  fieldHints: Record<string, string> = {},
  fieldLabels: Record<string, string> = {},
): UserFacingError | null {
  if (!error) return null;
  const data = (error.data ?? null) as {
    code?: string;
    fieldErrors?: Record<string, string[] | undefined>;
    domainCode?: string;
  } | null;
  const message = typeof error.message === "string" ? error.message : "";
  if (!data?.code || data.code === "INTERNAL_SERVER_ERROR" || data.code === "TIMEOUT") {
    return { message: SERVER_FAILURE, fields: {}, retry: true };
  }
  if (data.code === "UNAUTHORIZED") {
    return {
      message: "Your session has ended. Sign in again; nothing was changed.",
      fields: {},
      retry: false,
    };
  }
  const fields: Record<string, string> = {};
  for (const key of Object.keys(data.fieldErrors ?? {})) {
    const top = key.split(".")[0] ?? key;
    fields[top] = fieldHints[top] ?? "Check this value.";
  }
  if (Object.keys(fields).length > 0) return { message: null, fields, retry: false };
  for (const [field, label] of Object.entries(fieldLabels)) {
    const lower = message.toLowerCase();
    const prefix = `${label}: `.toLowerCase();
    if (lower.startsWith(prefix)) {
      return { message: null, fields: { [field]: sentence(message.slice(prefix.length)) }, retry: false };
    }
    if (lower.startsWith(`${label.toLowerCase()} `) && !DEVELOPER_TEXT.test(message)) {
      return { message: null, fields: { [field]: sentence(message) }, retry: false };
    }
  }
  if (data.code === "CONFLICT" && data.domainCode === "CONFLICT") {
    return {
      message: "This is busy right now. Nothing was changed; try again in a moment.",
      fields: {},
      retry: true,
    };
  }
  if (!message || DEVELOPER_TEXT.test(message)) {
    return {
      message: "That did not work, and nothing was changed. Check what you entered and try again.",
      fields: {},
      retry: false,
    };
  }
  return { message: sentence(message), fields: {}, retry: false };
}

function sentence(text: string): string {
  const t = text.trim();
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** A typed amount checked in the browser with the server's own parser: a sentence, or null when fine. */
export function amountProblem(
  value: string,
  opts: { required?: boolean; positive?: boolean } = {},
): string | null {
  const v = value.trim();
  if (!v) return opts.required === false ? null : "Enter an amount, like 12.50.";
  try {
    const minor = parseMoney(v);
    if (opts.positive !== false && minor <= 0) return "Enter an amount above 0.00.";
    return null;
  } catch (e) {
    if (!(e instanceof MoneyParseError)) throw e;
    if (/negative/.test(e.message)) return "Enter an amount without a minus sign.";
    if (/two decimal/.test(e.message)) return "Use at most two decimals, like 12.50.";
    if (/commas/.test(e.message)) return "Use commas only between groups of three digits, like 1,234.56.";
    if (/too large/.test(e.message)) return "That amount is too large.";
    return "Enter digits with up to two decimals, like 12.50.";
  }
}
