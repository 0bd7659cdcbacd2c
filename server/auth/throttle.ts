import { sql } from "drizzle-orm";
import { type Executor, rows } from "@/db/client";

/**
 * The sign-in limit (R-SEC-4, decision 014), in the database so that it holds across processes:
 * attempts are counted per account (the email typed) and per client address in fixed windows of
 * WINDOW_MINUTES. An attempt is counted before the password is checked, so concurrent guesses
 * cannot slip past the limit; a successful sign-in clears its account's count and gives its address
 * the attempt back (only failures add up).
 */
export const WINDOW_MINUTES = 15;
export const ACCOUNT_LIMIT = 10;
export const ADDRESS_LIMIT = 50;

/** What a limited caller is told, on the sign-in page and in the JSON answer. */
export const tooManyAttempts = (minutes: number) =>
  `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;

export type ThrottleKeys = { account: string; address: string | null };

export function throttleKeys(email: string, address: string | null): ThrottleKeys {
  return {
    account: `account:${email.trim().toLowerCase().slice(0, 320)}`,
    address: address ? `address:${address.slice(0, 100)}` : null,
  };
}

/**
 * Counts one attempt for each key, in one statement; returns the minutes to wait when any key is
 * over its limit in the current window, or null when the attempt may go ahead.
 */
export async function takeAttempt(db: Executor, keys: ThrottleKeys): Promise<number | null> {
  const wanted = [
    { key: keys.account, limit: ACCOUNT_LIMIT },
    ...(keys.address ? [{ key: keys.address, limit: ADDRESS_LIMIT }] : []),
  ].sort((a, b) => (a.key < b.key ? -1 : 1)); // one lock order for every caller
  const window = sql`make_interval(mins => ${WINDOW_MINUTES})`;
  const counted = await rows<{ key: string; attempts: number; wait: number }>(
    db,
    sql`INSERT INTO sign_in_throttle AS t (key, window_start, attempts)
        VALUES ${sql.join(
          wanted.map((w) => sql`(${w.key}, now(), 1)`),
          sql`, `,
        )}
        ON CONFLICT (key) DO UPDATE SET
          attempts = CASE WHEN t.window_start <= now() - ${window} THEN 1 ELSE t.attempts + 1 END,
          window_start = CASE WHEN t.window_start <= now() - ${window} THEN now() ELSE t.window_start END
        RETURNING key, attempts,
          greatest(1, ceil(extract(epoch FROM (window_start + ${window} - now())) / 60))::int AS wait`,
  );
  let wait: number | null = null;
  for (const c of counted) {
    const limit = wanted.find((w) => w.key === c.key)?.limit ?? 0;
    if (Number(c.attempts) > limit) wait = Math.max(wait ?? 0, Number(c.wait));
  }
  return wait;
}

/** After a good password: the account starts afresh; the address gets this attempt back. */
export async function attemptSucceeded(db: Executor, keys: ThrottleKeys): Promise<void> {
  await db.execute(sql`DELETE FROM sign_in_throttle WHERE key = ${keys.account}`);
  if (keys.address) {
    await db.execute(
      sql`UPDATE sign_in_throttle SET attempts = greatest(attempts - 1, 0) WHERE key = ${keys.address}`,
    );
  }
}

/** Forgets windows that ended long ago (run with the expired-session purge). */
export async function purgeThrottle(db: Executor): Promise<void> {
  await db.execute(
    sql`DELETE FROM sign_in_throttle WHERE window_start < now() - make_interval(mins => ${WINDOW_MINUTES * 4})`,
  );
}

/**
 * The client's address for the per-address limit: the X-Forwarded-For entry `hops` from the right
 * (Next appends the socket's address when a request has none; each trusted proxy appends one).
 */
export function clientAddress(headers: Headers, hops: number): string | null {
  const chain = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return chain[chain.length - 1 - hops] ?? chain[0] ?? headers.get("x-real-ip");
}
