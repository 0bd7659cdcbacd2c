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

/**
 * A validity period that ends on a calendar date ends at the end of that day in the given
 * UTC offset, stored as the exclusive instant of the next midnight (R-TIME-1).
 */
export function endOfDayExclusive(date: string, offsetMinutes = 480): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (day.toISOString().slice(0, 10) !== date) throw new RangeError(`not a calendar date: ${date}`); // e.g. 2026-02-30
  const utcMidnight = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1);
  return new Date(utcMidnight - offsetMinutes * 60_000);
}

/** Start of a calendar date in the given UTC offset. */
export function startOfDay(date: string, offsetMinutes = 480): Date {
  return new Date(endOfDayExclusive(date, offsetMinutes).getTime() - 86_400_000);
}
