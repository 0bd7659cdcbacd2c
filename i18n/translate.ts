import { createTranslator } from "next-intl";
import type { Locale } from "./config";
import { loadMessages } from "./messages";

/**
 * A translator outside React (route handlers, CSV exports, server-side sentences, tests): the same
 * catalogs and ICU formatting as `useTranslations` / `getTranslations`.
 */
export function translator(locale: Locale, namespace?: string) {
  // The namespace is a plain string here (catalogs are JSON read at run time, not typed keys).
  return createTranslator({
    locale,
    messages: loadMessages(locale) as Parameters<typeof createTranslator>[0]["messages"],
    namespace: namespace as never,
  }) as unknown as Translate;
}

/** A looser signature than next-intl's typed one: keys and values are checked by the catalog test. */
export type Translate = {
  (key: string, values?: Record<string, string | number | Date>): string;
  has(key: string): boolean;
};
