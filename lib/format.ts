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

/** Minutes the zone is ahead of UTC at an instant (Asia/Shanghai: 480, New York in July: -240). */
export function offsetMinutes(timeZone: string, at: number): number {
  const p = Object.fromEntries(
    fmt(
      `wall|${timeZone}`,
      () =>
        new Intl.DateTimeFormat("en-US", {
          timeZone,
          hourCycle: "h23",
          year: "numeric",
          month: "numeric",
          day: "numeric",
          hour: "numeric",
          minute: "numeric",
          second: "numeric",
        }),
    )
      .formatToParts(new Date(at))
      .map((x) => [x.type, Number(x.value)]),
  );
  const wall = Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return Math.round((wall - Math.floor(at / 1000) * 1000) / 60_000);
}

/**
 * A typed wall time ("2026-11-26T18:30", a datetime-local value) read in a zone, as ISO-8601 with
 * that zone's offset at the time (R-TZ-1: typed times are read in the user's zone).
 */
export function wallTimeToIso(local: string, timeZone: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return local;
  const wall = Date.UTC(
    +(m[1] ?? 0),
    +(m[2] ?? 1) - 1,
    +(m[3] ?? 1),
    +(m[4] ?? 0),
    +(m[5] ?? 0),
    +(m[6] ?? 0),
  );
  let at = wall - offsetMinutes(timeZone, wall) * 60_000;
  at = wall - offsetMinutes(timeZone, at) * 60_000;
  const off = offsetMinutes(timeZone, at);
  const sign = off < 0 ? "-" : "+";
  const hh = String(Math.trunc(Math.abs(off) / 60)).padStart(2, "0");
  const mm = String(Math.abs(off) % 60).padStart(2, "0");
  return `${local.length === 16 ? `${local}:00` : local}${sign}${hh}:${mm}`;
}
