import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, lte, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { preparedQuery } from "@/db/prepared";
import { accounts, sessions, users } from "@/db/schema";
import { hashPassword, needsRehash, verifyPassword } from "./password";
import { attemptSucceeded, purgeThrottle, takeAttempt, throttleKeys } from "./throttle";

export const SESSION_COOKIE = "vc_session";
export const SESSION_DAYS = 7;

export type SessionUser = {
  userId: string;
  email: string;
  name: string;
  role: "customer" | "operator";
  accountId: string;
  accountName: string;
  /** The zone instants are shown in: the user's own (R-TZ-1), else the account's. */
  timeZone: string;
  /** The account's zone: billing cycles and invoice months are the account's, whoever looks. */
  accountTimeZone: string;
  /** The user's chosen language, or null (then the cookie or Accept-Language decide). */
  locale: string | null;
  currency: string;
};

const hashToken = (token: string) => createHash("sha256").update(token).digest("base64url");

/**
 * Who is calling, for a statement that checks the session itself (orders.pay): the user, when
 * already known (tests, server components), or the cookie's session hash, which the statement
 * joins to `sessions` (live ones only); it then does nothing and answers no row when there is no
 * such session.
 */
export type Caller = { userId: string; accountId: string } | { sessionHash: string };

/**
 * What the sessions table holds for a cookie's token (its SHA-256), for statements that check the
 * session themselves; null when the token cannot be a session (none, or longer than ours).
 */
export function sessionTokenHash(token: string | undefined): string | null {
  return token && token.length <= 100 ? hashToken(token) : null;
}

/** Checks the password; returns a new session token, or null for a wrong email or password. */
export async function signIn(db: Executor, email: string, password: string): Promise<string | null> {
  const [user] = await db
    .select({ id: users.id, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.trim().toLowerCase()));
  // Hash anyway when the user is unknown, so timing does not tell which emails exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !ok) return null;
  // A hash made with an older, lower cost is replaced now that we know the password (issue 11).
  if (needsRehash(user.passwordHash)) {
    await db
      .update(users)
      .set({ passwordHash: await hashPassword(password) })
      .where(and(eq(users.id, user.id), eq(users.passwordHash, user.passwordHash)));
  }
  // Expired sessions are purged as sessions are made (an indexed delete, a few rows at a time).
  await purgeExpiredSessions(db);
  const token = randomBytes(32).toString("base64url");
  await db.insert(sessions).values({
    tokenHash: hashToken(token),
    userId: user.id,
    expiresAt: sql`now() + make_interval(days => ${SESSION_DAYS})` as unknown as string,
  });
  return token;
}

/** Deletes sessions (and sign-in windows) that ended; returns how many sessions went. */
export async function purgeExpiredSessions(db: Executor): Promise<number> {
  const gone = await db
    .delete(sessions)
    .where(lte(sessions.expiresAt, sql`now()`))
    .returning({ tokenHash: sessions.tokenHash });
  await purgeThrottle(db);
  return gone.length;
}

export type SignInOutcome = { token: string } | { wrong: true } | { waitMinutes: number };

/**
 * Sign-in through the limit (R-SEC-4): the attempt is counted per account and per client address
 * before the password is checked; over the limit, the answer is how long to wait and the password
 * is not even checked.
 */
export async function attemptSignIn(
  db: Executor,
  email: string,
  password: string,
  address: string | null,
): Promise<SignInOutcome> {
  const keys = throttleKeys(email, address);
  const wait = await takeAttempt(db, keys);
  if (wait !== null) return { waitMinutes: wait };
  const token = await signIn(db, email, password);
  if (!token) return { wrong: true };
  await attemptSucceeded(db, keys);
  return { token };
}

export async function signOut(db: Executor, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, hashToken(token)));
}

/** One indexed query, prepared once per database: the session's user and account, if the session is live. */
export async function getSessionUser(db: Executor, token: string | undefined): Promise<SessionUser | null> {
  const hash = sessionTokenHash(token);
  if (!hash) return null;
  const query = preparedQuery(db, "session-user", () =>
    db
      .select({
        userId: users.id,
        email: users.email,
        name: users.name,
        role: users.role,
        accountId: users.accountId,
        accountName: accounts.name,
        timeZone: sql<string>`coalesce(${users.timeZone}, ${accounts.timeZone})`,
        accountTimeZone: accounts.timeZone,
        locale: users.locale,
        currency: accounts.currency,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .innerJoin(accounts, eq(accounts.id, users.accountId))
      .where(and(eq(sessions.tokenHash, sql.placeholder("hash")), gt(sessions.expiresAt, sql`now()`)))
      .prepare("session_user"),
  );
  const [row] = await query.execute({ hash });
  return row ?? null;
}

/** Reads our cookie out of a Cookie header. */
export function readSessionCookie(cookieHeader: string | null): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === SESSION_COOKIE) return part.slice(i + 1).trim();
  }
  return undefined;
}

const DUMMY_HASH = "scrypt$131072$8$1$c2FsdHNhbHRzYWx0c2FsdA$ZHVtbXlkdW1teWR1bW15ZHVtbXlkdW1teWR1bW15ZHU";
