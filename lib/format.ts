import { formatMoney } from "@/server/money";

export { formatMoney };

/**
 * Instants and days in the viewer's language and time zone (R-TZ-1). Every instant carries its UTC
 * offset ("UTC+9", "UTC-4"), so a zone with daylight saving time is never shown with the wrong one.
 */
const cache = new Map<string, Intl.DateTimeFormat>();
function fmt(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = cache.get(key);
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f;
}
const tag = (locale: string) => (locale === "zh" ? "zh-CN" : locale === "en" ? "en-US" : locale);

/** "UTC+8", "UTC-4", "UTC+5:30", "UTC" for the zone at that instant. */
export function offsetLabel(timeZone: string, at: Date | string = new Date()): string {
  const f = fmt(
    `off|${timeZone}`,
    () => new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "shortOffset" }),
  );
  const name = f.formatToParts(new Date(at)).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  return name.replace("GMT", "UTC");
}

/** "Nov 26, 2026" / "2026年11月26日" in the given zone. */
export function formatDate(iso: string | Date, timeZone: string, locale = "en"): string {
  return fmt(
    `d|${locale}|${timeZone}`,
    () => new Intl.DateTimeFormat(tag(locale), { timeZone, dateStyle: "medium" }),
  ).format(new Date(iso));
}

/** "Nov 26, 2026 18:30:00 UTC+8" / "2026年11月26日 18:30:00 UTC+8" in the given zone. */
export function formatDateTime(iso: string | Date, timeZone: string, locale = "en"): string {
  const time = fmt(
    `t|${locale}|${timeZone}`,
    () =>
      new Intl.DateTimeFormat(tag(locale), {
        timeZone,
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        hourCycle: "h23",
      }),
  ).format(new Date(iso));
  return `${formatDate(iso, timeZone, locale)} ${time} ${offsetLabel(timeZone, iso)}`;
}

/** The zone as people read it: "Asia/Tokyo (UTC+9)". */
export function zoneLabel(timeZone: string, at = new Date()): string {
  return `${timeZone} (${offsetLabel(timeZone, at)})`;
}

/** Validity as inclusive instants: the stored end is exclusive, so show the last second. */
export function formatValidity(from: string, to: string, timeZone: string, locale = "en"): string {
  const end = new Date(new Date(to).getTime() - 1000).toISOString();
  return `${formatDateTime(from, timeZone, locale)} – ${formatDateTime(end, timeZone, locale)}`;
}

/** The calendar day of an instant in a zone, "2026-11-26" (a value for a date input or a file name). */
export function isoDay(at: Date | string, timeZone: string): string {
  const p = Object.fromEntries(
    fmt(
      `iso|${timeZone}`,
      () => new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }),
    )
      .formatToParts(new Date(at))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}`;
}
