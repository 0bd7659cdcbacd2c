"use client";

import { useTranslations } from "next-intl";
import { useMemo } from "react";

/**
 * Words for the console's closed sets (statuses, types, sources, permissions ...) and product names,
 * in the viewer's language (R-I18N-1). The data keeps its codes; only the display is translated.
 * An unknown value is shown as it is.
 */
export function useLabels() {
  const t = useTranslations("enums");
  const tp = useTranslations("products");
  const tc = useTranslations("common");
  return useMemo(() => {
    const word = (group: string) => (value: string) =>
      t.has(`${group}.${value}`) ? t(`${group}.${value}`) : value;
    const product = (code: string, fallback?: string) => (tp.has(code) ? tp(code) : (fallback ?? code));
    return {
      status: word("status"),
      couponType: word("couponType"),
      source: word("source"),
      ledgerType: word("ledgerType"),
      paymentType: word("paymentType"),
      transactionType: word("transactionType"),
      orderStatus: word("orderStatus"),
      billStatus: word("billStatus"),
      permission: word("permission"),
      poolEntry: word("poolEntry"),
      membership: word("membership"),
      product,
      /** "General", or the products covered. */
      commodities: (codes: readonly string[], names?: ReadonlyMap<string, string>) =>
        codes.length === 0 ? tc("general") : codes.map((c) => product(c, names?.get(c))).join(", "),
      /** "General", or the transaction types covered. */
      scopes: (scopes: readonly string[]) =>
        scopes.length === 0 ? tc("general") : scopes.map(word("transactionType")).join(", "),
      list: (values: readonly string[], group: string) => values.map(word(group)).join(", "),
    };
  }, [t, tp, tc]);
}
