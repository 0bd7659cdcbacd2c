import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { idempotencyKeys } from "@/db/schema";
import { DomainError } from "./errors";

export const requestHash = (payload: unknown) =>
  createHash("sha256").update(JSON.stringify(payload)).digest("base64url");

/**
 * Claims an idempotency key inside the caller's transaction (an atomic INSERT ... ON CONFLICT,
 * never select-then-insert). A concurrent duplicate waits on the first claim and then sees its
 * stored answer. Returns null when this call claimed the key and must do the work; otherwise the
 * stored answer of the earlier call. The same key with another payload is refused.
 */
export async function claimIdempotencyKey<T>(
  tx: Executor,
  claim: { accountId: string; key: string; operation: string; hash: string },
): Promise<T | null> {
  const claimed = await tx
    .insert(idempotencyKeys)
    .values({
      accountId: claim.accountId,
      key: claim.key,
      operation: claim.operation,
      requestHash: claim.hash,
    })
    .onConflictDoNothing()
    .returning({ key: idempotencyKeys.key });
  if (claimed.length > 0) return null;
  const [prior] = await tx
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.accountId, claim.accountId), eq(idempotencyKeys.key, claim.key)));
  if (prior?.operation !== claim.operation || prior.requestHash !== claim.hash) {
    throw new DomainError("IDEMPOTENCY_KEY_REUSED", "IDEMPOTENCY_KEY_REUSED");
  }
  if (prior.response === null) throw new DomainError("CONFLICT", "STILL_PROCESSING");
  return prior.response as T;
}

/** Stores the answer under the claimed key, in the same transaction as the work. */
export async function storeIdempotentResponse(
  tx: Executor,
  accountId: string,
  key: string,
  response: unknown,
) {
  await tx
    .update(idempotencyKeys)
    .set({ response })
    .where(and(eq(idempotencyKeys.accountId, accountId), eq(idempotencyKeys.key, key)));
}
