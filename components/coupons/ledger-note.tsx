"use client";

import { useTranslations } from "next-intl";
import { useCallback } from "react";

/**
 * A ledger row's note in the viewer's language. The console's own notes are stored in English (the
 * ledger is append-only and older rows keep their text): each is recognised and worded from the
 * catalog. Anything else was typed by a person (a voucher's description) and is shown as typed,
 * marked translate="no".
 */
export function useLedgerNote() {
  const t = useTranslations("details");
  return useCallback(
    (note: string): React.ReactNode => {
      if (note === "Moved into the Coupon Quota Pool") return t("noteMovedIn");
      if (note === "Reclaimed to the Coupon Quota Pool") return t("noteReclaimed");
      if (note === "Generated from the Coupon Quota Pool") return t("noteGenerated");
      const m = /^Unsubscribe: (.+) returned$/.exec(note);
      if (m) return t("noteUnsubscribe", { amount: m[1] ?? "" });
      return note ? <span translate="no">{note}</span> : "";
    },
    [t],
  );
}
