import { describe, expect, it } from "vitest";
import { isoFromEpochMs } from "./instant";

describe("isoFromEpochMs", () => {
  it("writes exactly what Date.prototype.toISOString writes", () => {
    const samples = [
      0, -1, 1, 999, 1000, 86_399_999, 86_400_000, -86_400_000, 951_782_400_000 /* 2000-02-29 */,
      4_107_542_400_000 /* 2100-03-01 */, 1_795_700_181_123, -62_167_219_200_000, -62_167_219_200_001,
      253_402_300_799_999, 253_402_300_800_000, 1.5,
    ];
    // A sweep over the years 0000–9999 (≈ 95,000 instants, a stride of 38.6 days that is no whole number
    // of days, so every month, day and time of day comes up), and every day of 1999–2001 (2000 is a leap year).
    for (let t = -62_167_219_200_000; t <= 253_402_300_799_999; t += 3_333_333_331) samples.push(t);
    for (let t = 915_148_800_123; t < 1_009_843_200_000; t += 86_400_000) samples.push(t);
    for (const ms of samples) expect(isoFromEpochMs(ms), String(ms)).toBe(new Date(ms).toISOString());
  });
});
