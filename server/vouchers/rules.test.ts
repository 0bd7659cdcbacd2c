import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  COUPON_STATUSES,
  type CouponStatus,
  deriveStatusOracle,
  endOfDayExclusive,
  type StatusInput,
  startOfDay,
} from "./rules";

const from = new Date("2026-01-01T00:00:00.000Z");
const to = new Date("2026-02-01T00:00:00.000Z");
const coupon = (over: Partial<StatusInput> = {}): StatusInput => ({
  balanceMinor: 100,
  effectiveFrom: from,
  expiresAt: to,
  reclaimedAt: null,
  ...over,
});
const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);

describe("deriveStatusOracle (R-VOU-2, R-TIME-1)", () => {
  const cases: [string, StatusInput, Date, CouponStatus][] = [
    ["inside the period with balance", coupon(), new Date("2026-01-15T00:00:00Z"), "Available"],
    ["effectiveFrom is inclusive", coupon(), from, "Available"],
    ["1 ms before effectiveFrom", coupon(), ms(from, -1), "Not yet effective"],
    ["1 ms before expiresAt", coupon(), ms(to, -1), "Available"],
    ["expiresAt is exclusive", coupon(), to, "Expired"],
    ["long after expiry", coupon(), new Date("2030-01-01T00:00:00Z"), "Expired"],
    ["balance 0 inside the period", coupon({ balanceMinor: 0 }), new Date("2026-01-15T00:00:00Z"), "Used up"],
    ["balance 0 at effectiveFrom", coupon({ balanceMinor: 0 }), from, "Used up"],
    ["balance 0 after expiry is Expired", coupon({ balanceMinor: 0 }), to, "Expired"],
    ["balance 0 before effectiveFrom", coupon({ balanceMinor: 0 }), ms(from, -1), "Not yet effective"],
    ["balance 1 cent", coupon({ balanceMinor: 1 }), from, "Available"],
    [
      "reclaimed inside the period",
      coupon({ reclaimedAt: from }),
      new Date("2026-01-15T00:00:00Z"),
      "Reclaimed",
    ],
    ["reclaimed beats Expired", coupon({ reclaimedAt: from, balanceMinor: 0 }), ms(to, 1), "Reclaimed"],
    ["reclaimed beats Not yet effective", coupon({ reclaimedAt: from }), ms(from, -1), "Reclaimed"],
  ];

  it.each(cases)("R-VOU-2: %s", (_name, c, now, status) => {
    expect(deriveStatusOracle(c, now)).toBe(status);
  });

  it("R-VOU-2: the cases above cover every status", () => {
    expect(new Set(cases.map((c) => c[3]))).toEqual(new Set(COUPON_STATUSES));
  });

  it("R-VOU-2: Available exactly when not reclaimed, effectiveFrom <= now < expiresAt and balance > 0 (property)", () => {
    const t = fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 });
    fc.assert(
      fc.property(
        t,
        t,
        t,
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.boolean(),
        (a, b, now, balance, reclaimed) => {
          const effectiveFrom = new Date(Math.min(a, b));
          const expiresAt = new Date(Math.max(a, b) + 1);
          const s = deriveStatusOracle(
            {
              balanceMinor: balance,
              effectiveFrom,
              expiresAt,
              reclaimedAt: reclaimed ? effectiveFrom : null,
            },
            new Date(now),
          );
          expect(COUPON_STATUSES).toContain(s);
          const inside = now >= effectiveFrom.getTime() && now < expiresAt.getTime();
          expect(s === "Available").toBe(!reclaimed && inside && balance > 0);
          expect(s === "Used up").toBe(!reclaimed && inside && balance === 0);
          expect(s === "Expired").toBe(!reclaimed && now >= expiresAt.getTime());
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("endOfDayExclusive / startOfDay (R-TIME-1: a date ends at the end of that day in UTC+8)", () => {
  it.each([
    ["2026-12-31", "2026-12-31T16:00:00.000Z"],
    ["2026-01-31", "2026-01-31T16:00:00.000Z"],
    ["2026-02-28", "2026-02-28T16:00:00.000Z"],
    ["2028-02-28", "2028-02-28T16:00:00.000Z"],
    ["2028-02-29", "2028-02-29T16:00:00.000Z"],
    ["2025-05-21", "2025-05-21T16:00:00.000Z"],
  ])("R-TIME-1: %s ends (exclusive) at %s, the next midnight in UTC+8", (date, instant) => {
    expect(endOfDayExclusive(date).toISOString()).toBe(instant);
  });

  it("R-TIME-1: the last millisecond of the day (UTC+8) is still valid; midnight is not", () => {
    const c = coupon({ effectiveFrom: startOfDay("2026-12-01"), expiresAt: endOfDayExclusive("2026-12-31") });
    expect(deriveStatusOracle(c, new Date("2026-12-31T23:59:59.999+08:00"))).toBe("Available");
    expect(deriveStatusOracle(c, new Date("2027-01-01T00:00:00.000+08:00"))).toBe("Expired");
    expect(deriveStatusOracle(c, new Date("2026-12-01T00:00:00.000+08:00"))).toBe("Available");
    expect(deriveStatusOracle(c, new Date("2026-11-30T23:59:59.999+08:00"))).toBe("Not yet effective");
  });

  it("R-TIME-1: other offsets", () => {
    expect(endOfDayExclusive("2026-12-31", 0).toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(endOfDayExclusive("2026-12-31", -300).toISOString()).toBe("2027-01-01T05:00:00.000Z");
  });

  it("R-TIME-1: startOfDay is 24 h before the exclusive end", () => {
    expect(startOfDay("2026-01-01").toISOString()).toBe("2025-12-31T16:00:00.000Z");
    expect(startOfDay("2026-03-01").toISOString()).toBe("2026-02-28T16:00:00.000Z");
  });

  it.each([
    "",
    "2026-1-1",
    "2026/01/01",
    "20260101",
    "2026-01-01T00:00:00Z",
    "tomorrow",
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "2027-02-29",
    "2026-04-31",
  ])("R-TIME-1: refuses %j", (bad) => {
    expect(() => endOfDayExclusive(bad)).toThrow(RangeError);
  });
});

describe("R-TZ-1: a typed day is read in the typing user's zone; the stored end stays the next midnight (R-TIME-1)", () => {
  it.each([
    ["2026-12-31", "Asia/Shanghai", "2026-12-31T16:00:00.000Z"],
    ["2026-12-31", "Asia/Tokyo", "2026-12-31T15:00:00.000Z"],
    ["2026-12-31", "America/New_York", "2027-01-01T05:00:00.000Z"],
    ["2026-07-31", "America/New_York", "2026-08-01T04:00:00.000Z"],
    ["2026-03-07", "America/New_York", "2026-03-08T05:00:00.000Z"],
    ["2026-03-08", "America/New_York", "2026-03-09T04:00:00.000Z"],
    ["2026-12-31", "UTC", "2027-01-01T00:00:00.000Z"],
    ["2026-12-31", "Asia/Kolkata", "2026-12-31T18:30:00.000Z"],
  ])("R-TZ-1: %s in %s ends at %s", (date, zone, instant) => {
    expect(endOfDayExclusive(date, zone).toISOString()).toBe(instant);
  });

  it("R-TZ-1: the default (no zone given) is still UTC+8, as R-TIME-1 says", () => {
    expect(endOfDayExclusive("2026-12-31").toISOString()).toBe(
      endOfDayExclusive("2026-12-31", 480).toISOString(),
    );
    expect(startOfDay("2026-12-01", "Asia/Shanghai").toISOString()).toBe("2026-11-30T16:00:00.000Z");
    expect(startOfDay("2026-03-08", "America/New_York").toISOString()).toBe("2026-03-08T05:00:00.000Z");
  });
});
