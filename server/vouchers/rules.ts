import { DEFAULT_TIME_ZONE } from "@/i18n/config";
import { offsetMinutes } from "@/lib/format";
/** Pure voucher rules: no I/O. */

export const COUPON_STATUSES = ["Not yet effective", "Available", "Used up", "Expired", "Reclaimed"] as const;
export type CouponStatus = (typeof COUPON_STATUSES)[number];

export type StatusInput = {
  balanceMinor: number;
  effectiveFrom: Date;
  expiresAt: Date;
  reclaimedAt: Date | null;
};

/**
 * R-VOU-2. Precedence: Reclaimed, then Expired (whatever the balance), then Not yet
 * effective, then Used up, then Available. `expiresAt` is exclusive (R-TIME-1).
 * TEST ORACLE ONLY: the product derives status in the database with coupon_status()
 * (db/sql/coupon_status.sql); tests compare the two.
 */
export function deriveStatusOracle(c: StatusInput, now: Date): CouponStatus {
  if (c.reclaimedAt) return "Reclaimed";
  if (now.getTime() >= c.expiresAt.getTime()) return "Expired";
  if (now.getTime() < c.effectiveFrom.getTime()) return "Not yet effective";
  if (c.balanceMinor === 0) return "Used up";
  return "Available";
}

/** The zone demo accounts and accounts without a zone use (R-TIME-1: UTC+8); one source, i18n/config. */
export const DEFAULT_ZONE = DEFAULT_TIME_ZONE;

/** The instant a wall-clock midnight (UTC milliseconds of that wall time) happens in the zone. */
function wallToInstant(wallUtc: number, zone: string | number): number {
  if (typeof zone === "number") return wallUtc - zone * 60_000;
  // Two passes settle the offset around a daylight-saving change.
  let at = wallUtc - offsetMinutes(zone, wallUtc) * 60_000;
  at = wallUtc - offsetMinutes(zone, at) * 60_000;
  return at;
}

/**
 * A validity period that ends on a calendar date ends at the end of that day, stored as the
 * exclusive instant of the next midnight (R-TIME-1). The day is read in the zone of the person who
 * typed it (R-TZ-1: an IANA zone, or a fixed UTC offset in minutes); UTC+8 by default.
 */
export function endOfDayExclusive(date: string, zone: string | number = DEFAULT_ZONE): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (day.toISOString().slice(0, 10) !== date) throw new RangeError(`not a calendar date: ${date}`); // e.g. 2026-02-30
  return new Date(wallToInstant(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1), zone));
}

/** Start of a calendar date in the given zone (or UTC offset in minutes). */
export function startOfDay(date: string, zone: string | number = DEFAULT_ZONE): Date {
  endOfDayExclusive(date, zone); // validates
  const [y, mo, d] = date.split("-").map(Number);
  return new Date(wallToInstant(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1), zone));
}
