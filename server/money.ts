/**
 * Money is integer minor units (cents) end to end (R-VOU-3, decision 001).
 * All currencies we carry have two decimal places.
 */
import { DomainError } from "./errors";

export const MAX_MINOR = 10_000_000_000_000; // 10^13 minor units: far beyond any voucher, well inside 2^53.

export type MoneyProblem = "commas" | "negative" | "decimals" | "format" | "tooLarge";

export class MoneyParseError extends Error {
  constructor(
    input: string,
    reason: string,
    readonly problem: MoneyProblem,
  ) {
    super(`"${input}" is not a valid amount: ${reason}`);
    this.name = "MoneyParseError";
  }
}

/** Parses a decimal string such as "12.5" or "1,234.56" into minor units. Never goes through a float. */
export function parseMoney(input: string): number {
  const trimmed = input.trim();
  // Commas only as thousands separators ("1,234.56"): "1,50" must not silently become 150.00.
  if (trimmed.includes(",") && !/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(trimmed)) {
    throw new MoneyParseError(
      input,
      "use commas only between groups of three digits, like 1,234.56",
      "commas",
    );
  }
  const s = trimmed.replace(/,/g, "");
  const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) {
    if (/^-/.test(s)) throw new MoneyParseError(input, "must not be negative", "negative");
    if (/^\d+\.\d{3,}$/.test(s)) throw new MoneyParseError(input, "at most two decimal places", "decimals");
    throw new MoneyParseError(input, "use digits with up to two decimals, like 12.50", "format");
  }
  const whole = m[1] ?? "0";
  const frac = (m[2] ?? "").padEnd(2, "0");
  if (whole.length > 14) throw new MoneyParseError(input, "too large", "tooLarge");
  const minor = Number(whole) * 100 + Number(frac);
  if (minor > MAX_MINOR) throw new MoneyParseError(input, "too large", "tooLarge");
  return minor;
}

/** 1250 -> "12.50" (no symbol, no grouping): the CSV form. */
export function toDecimal(minor: number): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not an integer amount: ${minor}`);
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

/**
 * 123456, "USD" -> "$1,234.56" (en) / "US$1,234.56" (zh): the one display format, used by the UI
 * (R-TZ-1: Intl.NumberFormat for the account's currency in the viewer's locale; a currency without
 * minor units such as JPY shows no decimals). Exact: the amount goes to Intl as a decimal string.
 */
export function formatMoney(minor: number, currency: string, locale = "en"): string {
  const key = `${locale}|${currency}`;
  let f = moneyFormats.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(locale === "zh" ? "zh-CN" : locale, { style: "currency", currency });
    } catch {
      f = new Intl.NumberFormat(locale === "zh" ? "zh-CN" : locale, { minimumFractionDigits: 2 });
    }
    moneyFormats.set(key, f);
  }
  // Intl formats a decimal string exactly (no float); the type lists it since ES2023's Intl.NumberFormat v3.
  return f.format(toDecimal(minor) as unknown as number);
}

/**
 * Splits `total` into parts proportional to `weights`, by largest remainder, so the parts
 * add up exactly to the total (R-REF-5). Ties go to the earlier weight. Exact in BigInt.
 */
export function splitByWeights(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError("total must be a non-negative integer");
  if (weights.some((w) => !Number.isSafeInteger(w) || w < 0))
    throw new RangeError("weights must be non-negative integers");
  const sum = weights.reduce((a, b) => a + BigInt(b), 0n);
  if (sum === 0n) return weights.map(() => 0);
  const T = BigInt(total);
  const floors = weights.map((w) => (T * BigInt(w)) / sum);
  const remainders = weights.map((w, i) => ({ i, r: (T * BigInt(w)) % sum }));
  let left = T - floors.reduce((a, b) => a + b, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    floors[i] = (floors[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return floors.map(Number);
}

/** A user-entered amount in minor units, or a clear INVALID_INPUT naming the field (nothing is written). */
export function parseMoneyInput(field: string, value: string): number {
  try {
    return parseMoney(value);
  } catch (e) {
    if (e instanceof MoneyParseError) {
      throw new DomainError("INVALID_INPUT", "AMOUNT_INVALID", {
        field,
        input: value,
        problem: e.problem,
      });
    }
    throw e;
  }
}
