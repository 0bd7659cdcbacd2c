import { formatMoney } from "@/server/money";

export { formatMoney };

const formatters = new Map<string, Intl.DateTimeFormat>();

/** "2026-11-26 18:30:00" in the given zone (R-TIME-1: shown in the account's time zone). */
export function formatDateTime(iso: string, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** "2026-11-26" in the given zone: the one way a day is written anywhere in the console. */
export function formatDate(iso: string, timeZone: string): string {
  return formatDateTime(iso, timeZone).slice(0, 10);
}

/** The zone's offset as "UTC+08:00". */
export function zoneLabel(timeZone: string, at = new Date()): string {
  const name = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
    .formatToParts(at)
    .find((p) => p.type === "timeZoneName")?.value;
  return name === "GMT" ? "UTC+00:00" : (name ?? "GMT").replace("GMT", "UTC");
}

/** Validity as inclusive instants: the stored end is exclusive, so show the last second. */
export function formatValidity(from: string, to: string, timeZone: string): string {
  const end = new Date(new Date(to).getTime() - 1000).toISOString();
  return `${formatDateTime(from, timeZone)} – ${formatDateTime(end, timeZone)}`;
}

export function commodityLabel(codes: readonly string[], names: ReadonlyMap<string, string>): string {
  return codes.length === 0 ? "General" : codes.map((c) => names.get(c) ?? c).join(", ");
}
