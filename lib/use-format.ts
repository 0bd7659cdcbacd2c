"use client";

import { useLocale, useTimeZone } from "next-intl";
import { useMemo } from "react";
import { DEFAULT_TIME_ZONE } from "@/i18n/config";
import { formatDate, formatDateTime, formatMoney, formatValidity, offsetLabel } from "./format";

/** The formatters of lib/format.ts bound to the viewer's language and time zone (R-TZ-1). */
export function useFormat() {
  const locale = useLocale();
  const timeZone = useTimeZone() ?? DEFAULT_TIME_ZONE;
  return useMemo(
    () => ({
      locale,
      timeZone,
      money: (minor: number, currency: string) => formatMoney(minor, currency, locale),
      dateTime: (iso: string) => formatDateTime(iso, timeZone, locale),
      date: (iso: string) => formatDate(iso, timeZone, locale),
      validity: (from: string, to: string) => formatValidity(from, to, timeZone, locale),
      offset: (at?: string) => offsetLabel(timeZone, at),
    }),
    [locale, timeZone],
  );
}
