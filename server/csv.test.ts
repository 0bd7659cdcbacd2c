import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCsvCells } from "@/tests/helpers";
import { csvField, csvRecord, neutralizeFormula } from "./csv";

describe("neutralizeFormula (R-DET-2: spreadsheet formula injection)", () => {
  it.each([
    ["=1+2", "'=1+2"],
    ["+1", "'+1"],
    ["-1", "'-1"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tcmd", "'\tcmd"],
    ["\rcmd", "'\rcmd"],
    ['=HYPERLINK("http://x","y")', `'=HYPERLINK("http://x","y")`],
    ["=1+2 @SUM(A1) -note", "'=1+2 @SUM(A1) -note"],
  ])("R-DET-2: neutralises %j", (input, output) => {
    expect(neutralizeFormula(input)).toBe(output);
  });

  it.each(["", "plain", "1=2", "a-b", "ORD-202600001", "5000000000000101", "'=already", "\n=x", "12.50"])(
    "R-DET-2: leaves %j alone",
    (input) => {
      expect(neutralizeFormula(input)).toBe(input);
    },
  );
});

describe("csvField / csvRecord (R-DET-2: RFC 4180 quoting)", () => {
  it.each<[string | null, string]>([
    [null, ""],
    ["", '""'],
    ["plain", "plain"],
    ["12.50", "12.50"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ["line\nbreak", '"line\nbreak"'],
    ["carriage\rreturn", '"carriage\rreturn"'],
    ["crlf\r\n", '"crlf\r\n"'],
    ["\\.", '"\\."'],
    [" spaced ", " spaced "],
    ["'=x", "'=x"],
  ])("R-DET-2: %j -> %j", (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it("R-DET-2: a record joins fields with commas and ends with LF; NULL is an empty unquoted field", () => {
    expect(csvRecord(["a", null, "", "b,c"])).toBe('a,,"","b,c"\n');
    expect(csvRecord([])).toBe("\n");
  });

  it("R-DET-2: any record parses back to its values, NULL as unquoted empty and '' as quoted empty (property)", () => {
    const cell = fc.option(
      fc.string({ unit: fc.constantFrom("a", "Z", "1", ",", '"', "\n", "\r", " ", "=", "é", "\\", ".") }),
      {
        nil: null,
      },
    );
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 8 }), (values) => {
        const [parsed, ...rest] = parseCsvCells(csvRecord(values));
        expect(rest).toEqual([]);
        expect(parsed?.map((c) => c.value)).toEqual(values.map((v) => v ?? ""));
        expect(parsed?.map((c) => c.value === "" && !c.quoted)).toEqual(values.map((v) => v === null));
      }),
      { numRuns: 1000 },
    );
  });
});
