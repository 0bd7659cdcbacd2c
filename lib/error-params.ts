/**
 * Turns an error's parameters (server/errors.ts ErrorParams) into ICU values in a language:
 * amounts formatted for the currency in that locale, lists of reason codes worded and joined.
 * Pure: the server and the browser pass their own translator and money formatter.
 */
type Param = string | number | { minor: number; currency: string } | string[];

export function errorValues(
  locale: string,
  params: Record<string, unknown> | null | undefined,
  reason: (code: string) => string,
  money: (minor: number, currency: string) => string,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, raw] of Object.entries(params ?? {})) {
    const v = raw as Param;
    if (Array.isArray(v)) {
      const words = v.map((code) => reason(String(code)));
      out[k] = locale === "zh" ? words.join("；") : words.map((w) => w.toLowerCase()).join("; ");
    } else if (v && typeof v === "object") {
      out[k] = money(Number(v.minor), String(v.currency));
    } else if (typeof v === "string" || typeof v === "number") {
      out[k] = v;
    }
  }
  return out;
}
