import type { Locale } from "@/i18n/config";
import { translator } from "@/i18n/translate";
import { errorValues } from "@/lib/error-params";
import type { ErrorParams } from "./errors";
import { formatMoney } from "./money";

/** An error's sentence in a language, on the server (e.g. a page that shows a refusal). */
export function wordError(locale: Locale, reason: string, params: ErrorParams = {}): string {
  const t = translator(locale, "errors");
  if (!t.has(reason)) return reason;
  const reasons = translator(locale, "reasons");
  const values = errorValues(
    locale,
    params,
    (code) => (reasons.has(code) ? reasons(code) : code),
    (minor, currency) => formatMoney(minor, currency, locale),
  );
  return t(reason, values);
}
