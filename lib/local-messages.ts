/**
 * A stand-in for the i18n library until the catalogs are wired to next-intl (issue 12 §1): reads the
 * same files (messages/<locale>/<namespace>.json) and understands the two ICU forms they use,
 * `{name}` and `{n, plural, =0 {…} one {…} other {…}}` (with `#`). The lead swaps callers to
 * useTranslations / getTranslations; the catalogs stay as they are.
 */
import enForecast from "@/messages/en/forecast.json";
import enNotifications from "@/messages/en/notifications.json";
import zhForecast from "@/messages/zh/forecast.json";
import zhNotifications from "@/messages/zh/notifications.json";

export type Locale = "en" | "zh";
type Catalog = { [key: string]: string | Catalog };
const CATALOGS: Record<Locale, Record<string, Catalog>> = {
  en: { notifications: enNotifications, forecast: enForecast },
  zh: { notifications: zhNotifications, forecast: zhForecast },
};
export type Params = Record<string, string | number>;

/** The message `key` ("a.b") of `namespace`, formatted; falls back to English, then to the key. */
export function translate(locale: Locale, namespace: string, key: string, params: Params = {}): string {
  const find = (l: Locale) =>
    key.split(".").reduce<string | Catalog | undefined>((node, part) => {
      return typeof node === "object" ? node[part] : undefined;
    }, CATALOGS[l][namespace]);
  const message = find(locale) ?? find("en");
  return typeof message === "string" ? format(message, params, locale) : `${namespace}.${key}`;
}

/** `t("key", params)` for one namespace and locale. */
export function translator(namespace: string, locale: Locale = "en") {
  return (key: string, params?: Params) => translate(locale, namespace, key, params);
}

/** Formats `{name}` and `{n, plural, …}` arguments; text outside braces is kept as it is. */
export function format(message: string, params: Params, locale: Locale = "en"): string {
  let out = "";
  let i = 0;
  while (i < message.length) {
    const open = message.indexOf("{", i);
    if (open < 0) return out + message.slice(i);
    out += message.slice(i, open);
    const close = matching(message, open);
    const body = message.slice(open + 1, close);
    const comma = body.indexOf(",");
    if (comma < 0) {
      out += String(params[body.trim()] ?? `{${body}}`);
    } else {
      const name = body.slice(0, comma).trim();
      const rest = body.slice(comma + 1);
      const kindEnd = rest.indexOf(",");
      const kind = rest.slice(0, kindEnd).trim();
      const n = Number(params[name] ?? 0);
      out += kind === "plural" ? plural(rest.slice(kindEnd + 1), n, params, locale) : `{${body}}`;
    }
    i = close + 1;
  }
  return out;
}

function matching(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) return i;
  }
  return text.length - 1;
}

function plural(options: string, n: number, params: Params, locale: Locale): string {
  const cases = new Map<string, string>();
  let i = 0;
  while (i < options.length) {
    const open = options.indexOf("{", i);
    if (open < 0) break;
    const selector = options.slice(i, open).trim();
    const close = matching(options, open);
    cases.set(selector, options.slice(open + 1, close));
    i = close + 1;
  }
  const category = new Intl.PluralRules(locale === "zh" ? "zh-CN" : "en").select(n);
  const chosen = cases.get(`=${n}`) ?? cases.get(category) ?? cases.get("other") ?? "";
  return format(chosen.replaceAll("#", String(n)), params, locale);
}
