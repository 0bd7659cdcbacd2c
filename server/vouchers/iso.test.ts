import { describe, expect, it } from "vitest";
import { iso } from "./queries";

describe("iso: a PostgreSQL instant as ISO-8601 UTC (R-LIST-1 rows)", () => {
  it("JSON's UTC form takes the short path and keeps the fraction", () => {
    expect(iso("2026-11-26T18:00:00+00:00")).toBe("2026-11-26T18:00:00Z");
    expect(iso("2026-11-26T18:00:00.123456+00:00")).toBe("2026-11-26T18:00:00.123456Z");
  });
  it("text forms and other offsets agree with Date", () => {
    expect(iso("2026-11-26 18:00:00.5+00")).toBe("2026-11-26T18:00:00.5Z");
    expect(iso("2026-11-26 18:00:00+08")).toBe("2026-11-26T10:00:00Z");
    expect(iso("2026-11-26T18:00:00.250+05:30")).toBe("2026-11-26T12:30:00.250Z");
    expect(iso("2026-11-26 18:00:00-0330")).toBe("2026-11-26T21:30:00Z");
    expect(iso(new Date("2026-11-26T18:00:00Z"))).toBe("2026-11-26T18:00:00.000Z");
  });
  it("the short path answers what the general one would", () => {
    for (const v of ["2026-01-01T00:00:00+00:00", "1999-12-31T23:59:59.999999+00:00"]) {
      expect(iso(v)).toBe(iso(v.replace("T", " ").replace("+00:00", "+00")));
    }
  });
});
