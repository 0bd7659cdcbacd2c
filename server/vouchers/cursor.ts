import { z } from "zod";
import { DomainError } from "@/server/errors";

/**
 * Keyset cursors: an opaque base64url JSON of the last row's sort value and id, plus the
 * sort they belong to, so a cursor from another sort is refused rather than misread.
 */
const cursorShape = z.object({
  s: z.string(),
  v: z.union([z.number().int(), z.string().max(64)]),
  id: z.string().max(64),
});
export type Cursor = z.infer<typeof cursorShape>;

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

export function decodeCursor(raw: string, sort: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw new DomainError("INVALID_CURSOR", "INVALID_CURSOR");
  }
  const result = cursorShape.safeParse(parsed);
  if (!result.success || result.data.s !== sort) {
    throw new DomainError("INVALID_CURSOR", "INVALID_CURSOR");
  }
  // The value must be of the kind the sort compares (a forged cursor must be a 400, not a failed
  // query): balance sorts carry an integer; time sorts a UTC timestamp as the database prints it;
  // history ids are ledger row numbers.
  const { v, id } = result.data;
  const valid = sort.startsWith("balance:")
    ? typeof v === "number" && Number.isSafeInteger(v)
    : typeof v === "string" && isUtcTimestamp(v) && (sort !== "history" || /^\d{1,18}$/.test(id));
  if (!valid) {
    throw new DomainError("INVALID_CURSOR", "INVALID_CURSOR");
  }
  return result.data;
}

const UTC_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d{1,6})?(?:Z|\+00(?::?00)?)$/;

/** "2026-03-01 04:05:06.789+00" (PostgreSQL, UTC session) or ISO-8601 UTC; a real calendar instant. */
function isUtcTimestamp(v: string): boolean {
  const m = UTC_TIMESTAMP.exec(v);
  if (!m) return false;
  const d = new Date(`${m[1]}T${m[2]}Z`);
  // A year before 1970 (0000, 0001…) is no instant the console stored: refused, not a failed query.
  return (
    !Number.isNaN(d.getTime()) &&
    d.getUTCFullYear() >= 1970 &&
    d.toISOString().slice(0, 19) === `${m[1]}T${m[2]}`
  );
}
