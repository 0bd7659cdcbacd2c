import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMoney, MAX_MINOR, MoneyParseError, parseMoney, splitByWeights, toDecimal } from "./money";

describe("parseMoney (R-VOU-3: exact minor units from strings)", () => {
  it.each([
    ["0", 0],
    ["0.01", 1],
    ["0.1", 10],
    ["12.5", 1250],
    ["12.50", 1250],
    ["12", 1200],
    ["007.05", 705],
    ["1,234.56", 123456],
    ["1,234", 123400],
    ["12,345,678.90", 1234567890],
    [" 99.99 ", 9999],
    ["100000000000", MAX_MINOR],
    ["99999999999.99", MAX_MINOR - 1],
  ])("R-VOU-3: parses %j as %d", (input, minor) => {
    expect(parseMoney(input)).toBe(minor);
  });

  it.each([
    ["-1", /negative/],
    ["-0.01", /negative/],
    ["1.234", /two decimal/],
    ["0.001", /two decimal/],
    ["abc", /digits/],
    ["", /digits/],
    [".5", /digits/],
    ["1e3", /digits/],
    ["0x10", /digits/],
    ["NaN", /digits/],
    ["Infinity", /digits/],
    ["1 000", /digits/],
    ["12.5.0", /digits/],
    ["1,50", /groups of three/],
    ["1,2,3", /groups of three/],
    ["12,34.56", /groups of three/],
    ["1234,567", /groups of three/],
    [",123", /groups of three/],
    ["100000000000000", /too large/],
    ["100000000000.01", /too large/],
    ["99999999999999", /too large/],
  ])("R-VOU-3: refuses %j", (input, reason) => {
    expect(() => parseMoney(input)).toThrow(MoneyParseError);
    expect(() => parseMoney(input)).toThrow(reason);
  });

  it("R-VOU-3: parse(toDecimal(m)) = m for every amount up to the maximum (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MINOR }), (m) => {
        expect(parseMoney(toDecimal(m))).toBe(m);
      }),
      { numRuns: 2000 },
    );
  });

  it("R-VOU-3: the display format parses back to the same amount (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_MINOR }), (m) => {
        expect(parseMoney(formatMoney(m, "USD").replace("$", ""))).toBe(m);
      }),
    );
  });
});

describe("toDecimal (R-DET-2: amounts as decimal strings like 12.50)", () => {
  it.each([
    [0, "0.00"],
    [1, "0.01"],
    [10, "0.10"],
    [99, "0.99"],
    [100, "1.00"],
    [1250, "12.50"],
    [123456789, "1234567.89"],
    [-5, "-0.05"],
    [-1250, "-12.50"],
    [MAX_MINOR, "100000000000.00"],
    [Number.MAX_SAFE_INTEGER, "90071992547409.91"],
  ])("R-DET-2: %d -> %s", (minor, text) => {
    expect(toDecimal(minor)).toBe(text);
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    "R-VOU-3: refuses a non-integer or unsafe amount %d",
    (v) => {
      expect(() => toDecimal(v)).toThrow(RangeError);
    },
  );
});

describe("formatMoney (R-VOU-3: currency symbol and two decimals)", () => {
  it.each([
    [0, "USD", "$0.00"],
    [5, "USD", "$0.05"],
    [123456, "USD", "$1,234.56"],
    [100_000_000, "USD", "$1,000,000.00"],
    [99_999, "USD", "$999.99"],
    [-123456, "USD", "-$1,234.56"],
    [1250, "CNY", "CN¥12.50"],
    [1250, "EUR", "€12.50"],
    [1250, "GBP", "£12.50"],
    [100, "CHF", "CHF\u00a01.00"],
  ])("R-VOU-3: %d %s -> %s", (minor, currency, text) => {
    expect(formatMoney(minor, currency)).toBe(text);
  });

  it.each([
    [123456, "USD", "en", "$1,234.56"],
    [123456, "USD", "zh", "US$1,234.56"],
    [1250, "CNY", "zh", "¥12.50"],
    [123400, "JPY", "en", "¥1,234"],
    [123400, "JPY", "zh", "JP¥1,234"],
    [-5000, "EUR", "zh", "-€50.00"],
  ])(
    "R-TZ-1: %d %s in %s -> %s (Intl.NumberFormat for the currency in the viewer's locale; JPY without decimals)",
    (minor, currency, locale, text) => {
      expect(formatMoney(minor, currency, locale)).toBe(text);
    },
  );

  it("R-TZ-1 R-VOU-3: exact for amounts beyond a float's cents (decimal string to Intl)", () => {
    expect(formatMoney(9_007_199_254_740_99, "USD")).toBe("$9,007,199,254,740.99");
  });
});

describe("splitByWeights (R-REF-5: largest remainder, parts add up exactly)", () => {
  it.each([
    [100, [1, 1, 1], [34, 33, 33]],
    [10, [1, 2, 3, 4], [1, 2, 3, 4]],
    [1, [1, 1], [1, 0]],
    [2, [1, 1, 1], [1, 1, 0]],
    [7, [0, 1], [0, 7]],
    [0, [3, 5], [0, 0]],
    [101, [50, 50], [51, 50]],
    [1000, [333, 333, 334], [333, 333, 334]],
    [5, [2, 3, 1], [2, 2, 1]],
    [MAX_MINOR, [1, 2], [3_333_333_333_333, 6_666_666_666_667]],
  ])("R-REF-5: split %d by %j -> %j", (total, weights, parts) => {
    expect(splitByWeights(total, weights)).toEqual(parts);
  });

  it("R-REF-5: all-zero weights give all-zero parts", () => {
    expect(splitByWeights(5, [0, 0])).toEqual([0, 0]);
    expect(splitByWeights(5, [])).toEqual([]);
  });

  it.each([
    [-1, [1]],
    [1.5, [1]],
    [Number.NaN, [1]],
    [10, [1, -1]],
    [10, [0.5]],
  ])("R-REF-5: refuses total %d with weights %j", (total, weights) => {
    expect(() => splitByWeights(total, weights)).toThrow(RangeError);
  });

  it("R-REF-5: parts sum exactly to the total and each is within 1 of its exact share (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_MINOR }),
        fc.array(fc.integer({ min: 0, max: 1_000_000_000 }), { minLength: 1, maxLength: 30 }),
        (total, weights) => {
          fc.pre(weights.some((w) => w > 0));
          const parts = splitByWeights(total, weights);
          expect(parts).toHaveLength(weights.length);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
          const sum = weights.reduce((a, b) => a + BigInt(b), 0n);
          parts.forEach((p, i) => {
            expect(Number.isSafeInteger(p) && p >= 0).toBe(true);
            const exactTimesSum = BigInt(total) * BigInt(weights[i] ?? 0); // exact share × sum
            const floor = exactTimesSum / sum;
            const ceil = exactTimesSum % sum === 0n ? floor : floor + 1n;
            expect(BigInt(p) === floor || BigInt(p) === ceil).toBe(true);
            if (weights[i] === 0) expect(p).toBe(0);
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("R-REF-5: a larger weight never gets a smaller part (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 2, maxLength: 10 }),
        (total, weights) => {
          const parts = splitByWeights(total, weights);
          for (let i = 0; i < weights.length; i++) {
            for (let j = 0; j < weights.length; j++) {
              if ((weights[i] ?? 0) > (weights[j] ?? 0))
                expect(parts[i]).toBeGreaterThanOrEqual(parts[j] ?? 0);
            }
          }
        },
      ),
    );
  });
});
