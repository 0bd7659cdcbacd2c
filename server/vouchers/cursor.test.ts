import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "@/server/errors";
import { type Cursor, decodeCursor, encodeCursor } from "./cursor";

const b64 = (value: unknown) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

function expectInvalid(raw: string, sort: string) {
  let error: unknown;
  try {
    decodeCursor(raw, sort);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe("INVALID_CURSOR");
  // The message is the same for every kind of bad cursor: it tells nothing about the internals.
  expect((error as DomainError).message).toBe("The page cursor is malformed; start from the first page.");
}

describe("keyset cursors (R-LIST-3, R-SEC-2)", () => {
  it.each<Cursor>([
    { s: "balance:desc", v: 123456, id: "CP-7Q2M-9XK4" },
    { s: "balance:asc", v: 0, id: "CP-USED-0006" },
    { s: "expiry:asc", v: "2026-03-01 04:05:06.789+00", id: "CP-MORE-0016" },
    { s: "issued:desc", v: "2026-03-01 04:05:06.789012+00", id: "CP-A" },
    { s: "history", v: "2026-03-01T04:05:06Z", id: "12345" },
  ])("R-LIST-3: round trip %j", (c) => {
    const raw = encodeCursor(c);
    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(raw, c.s)).toEqual(c);
  });

  it("R-LIST-3: round trip for any well-formed cursor (property)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({
            s: fc.constantFrom("balance:asc", "balance:desc"),
            v: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
          }),
          fc.record({
            s: fc.constantFrom("expiry:asc", "issued:desc", "orders"),
            v: fc
              .date({ noInvalidDate: true, min: new Date(0), max: new Date("9999-12-31") })
              .map((d) => d.toISOString()),
          }),
        ),
        fc.string({ maxLength: 64 }),
        ({ s, v }, id) => {
          const c = { s, v, id };
          expect(decodeCursor(encodeCursor(c), s)).toEqual(c);
        },
      ),
    );
  });

  it.each([
    ["not base64 at all", "!!!***"],
    ["empty", ""],
    ["base64 of non-JSON", b64("hello")],
    ["base64 of truncated JSON", b64('{"s":"balance:desc","v":1')],
    ["JSON null", b64(null)],
    ["JSON array", b64(["balance:desc", 1, "CP-1"])],
    ["missing id", b64({ s: "balance:desc", v: 1 })],
    ["missing value", b64({ s: "balance:desc", id: "CP-1" })],
    ["value is a float", b64({ s: "balance:desc", v: 1.5, id: "CP-1" })],
    ["value is an object", b64({ s: "balance:desc", v: { a: 1 }, id: "CP-1" })],
    ["value is a boolean", b64({ s: "balance:desc", v: true, id: "CP-1" })],
    ["id is a number", b64({ s: "balance:desc", v: 1, id: 7 })],
    ["id too long", b64({ s: "balance:desc", v: 1, id: "X".repeat(65) })],
    ["value string too long", b64({ s: "balance:desc", v: "9".repeat(65), id: "CP-1" })],
    ["wrong sort", encodeCursor({ s: "expiry:asc", v: "2026-01-01T00:00:00Z", id: "CP-1" })],
    ["wrong direction", encodeCursor({ s: "balance:asc", v: 1, id: "CP-1" })],
    ["bad date", encodeCursor({ s: "balance:desc", v: "not-a-date", id: "CP-1" })],
    ["SQL in the date", encodeCursor({ s: "balance:desc", v: "'; DROP TABLE coupons; --", id: "CP-1" })],
  ])("R-SEC-2: %s => INVALID_CURSOR", (_name, raw) => {
    expectInvalid(raw, "balance:desc");
  });

  it.each<[string, string, Cursor]>([
    [
      "a date on a balance sort",
      "balance:desc",
      { s: "balance:desc", v: "2026-01-01 00:00:00+00", id: "CP-1" },
    ],
    ["a number on a time sort", "issued:desc", { s: "issued:desc", v: 5, id: "CP-1" }],
    ["a bare year", "issued:desc", { s: "issued:desc", v: "1", id: "CP-1" }],
    ["a month name", "expiry:asc", { s: "expiry:asc", v: "May 5", id: "CP-1" }],
    ["an impossible date", "expiry:asc", { s: "expiry:asc", v: "2026-02-30 00:00:00+00", id: "CP-1" }],
    ["an impossible hour", "expiry:asc", { s: "expiry:asc", v: "2026-02-01 24:00:00+00", id: "CP-1" }],
    ["a non-UTC offset", "expiry:asc", { s: "expiry:asc", v: "2026-02-01 00:00:00+08", id: "CP-1" }],
    ["a five-digit year", "issued:desc", { s: "issued:desc", v: "99999-01-01 00:00:00+00", id: "CP-1" }],
    [
      "a history id that is not a number",
      "history",
      { s: "history", v: "2026-01-01 00:00:00+00", id: "abc" },
    ],
  ])("R-SEC-2: a cursor with a value of the wrong kind (%s) => INVALID_CURSOR", (_name, sort, c) => {
    expectInvalid(encodeCursor(c), sort);
  });

  it.each<Cursor>([
    { s: "issued:desc", v: "2026-03-01 04:05:06+00", id: "CP-1" },
    { s: "issued:desc", v: "2026-03-01 04:05:06.123456+00", id: "CP-1" },
    { s: "expiry:asc", v: "2028-02-29T23:59:59.999Z", id: "CP-1" },
    { s: "balance:asc", v: 0, id: "CP-1" },
    { s: "history", v: "2026-03-01 04:05:06.1+00", id: "123456789012" },
  ])("R-LIST-3: the values the server emits are accepted: %j", (c) => {
    expect(decodeCursor(encodeCursor(c), c.s)).toEqual(c);
  });

  it("R-SEC-2: a history cursor is refused by a list sort and vice versa", () => {
    const history = encodeCursor({ s: "history", v: "2026-01-01T00:00:00Z", id: "1" });
    expectInvalid(history, "issued:desc");
    expectInvalid(encodeCursor({ s: "issued:desc", v: "2026-01-01T00:00:00Z", id: "CP-1" }), "history");
  });
});
