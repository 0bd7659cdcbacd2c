/**
 * Languages and time zones (R-I18N-1, R-TZ-1, decision 015). Plain data and pure functions, usable
 * on the server and in the browser.
 */
export const LOCALES = ["en", "zh"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";
/** Remembers the language before sign-in (and mirrors the user's choice after it). */
export const LOCALE_COOKIE = "NEXT_LOCALE";
/** Each language named in itself, for the switch. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", zh: "简体中文" };
/** The zone of an account that has none set, and of the demo accounts (R-TIME-1: UTC+8). */
export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

export const isLocale = (value: unknown): value is Locale =>
  typeof value === "string" && (LOCALES as readonly string[]).includes(value);

/** The best of our languages for an `Accept-Language` header (by q-value, then order), or null. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .map((part, i) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const base = tag.split("-")[0];
    if (isLocale(base)) return base;
  }
  return null;
}

/** The viewer's language: the user's choice, else the cookie, else the browser's, else English. */
export function pickLocale(input: {
  user?: string | null;
  cookie?: string | null;
  acceptLanguage?: string | null;
}): Locale {
  if (isLocale(input.user)) return input.user;
  if (isLocale(input.cookie)) return input.cookie;
  return localeFromAcceptLanguage(input.acceptLanguage) ?? DEFAULT_LOCALE;
}

/** Whether the runtime knows this IANA zone (what a user may choose). */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== "string" || value.length === 0 || value.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The zones offered in the settings: every IANA zone the runtime knows, plus UTC. */
export function offeredTimeZones(): string[] {
  const all =
    (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf?.("timeZone") ?? [];
  return all.includes("UTC") ? all : ["UTC", ...all];
}
