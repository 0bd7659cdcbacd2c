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
    throw new DomainError("INVALID_CURSOR", "The page cursor is malformed; start from the first page.");
  }
  const result = cursorShape.safeParse(parsed);
  if (!result.success || result.data.s !== sort) {
    throw new DomainError("INVALID_CURSOR", "The page cursor is malformed; start from the first page.");
  }
  if (typeof result.data.v === "string" && Number.isNaN(Date.parse(result.data.v))) {
    throw new DomainError("INVALID_CURSOR", "The page cursor is malformed; start from the first page.");
  }
  return result.data;
}
