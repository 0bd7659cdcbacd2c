import { LOCALE_COOKIE, type Locale, pickLocale } from "./config";
import { translator } from "./translate";

/**
 * The viewer's language for a route handler (CSV downloads): the signed-in user's choice, else the
 * language cookie, else Accept-Language — the same order as pages (i18n/request.ts).
 */
export function requestLocale(
  req: { headers: { get(name: string): string | null } },
  user?: { locale: string | null } | null,
): Locale {
  let cookie: string | undefined;
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === LOCALE_COOKIE) cookie = part.slice(i + 1).trim();
  }
  return pickLocale({ user: user?.locale, cookie, acceptLanguage: req.headers.get("accept-language") });
}

/**
 * A CSV header row in a language (decision 015): the columns (their order, and the values under
 * them) are the same in every language; only the names in the first row follow the viewer. The
 * English names are the stable machine header (`*_HEADER` constants).
 */
export function csvHeader(
  kind: "history" | "list" | "billLines" | "audit",
  columns: readonly string[],
  locale: Locale,
) {
  const t = translator(locale, `csv.${kind}`);
  return columns.map((c) => (t.has(c) ? t(c) : c));
}
