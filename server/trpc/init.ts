import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError, z } from "zod";
import { type DatabaseHandle, isConnectionLoss } from "@/db/client";
import { isLocale, type Locale } from "@/i18n/config";
import { type AccountScope, resolveAccountScope, visibleCoupon } from "@/server/auth/access";
import { type Caller, getSessionUser, type SessionUser, sessionTokenHash } from "@/server/auth/session";
import { DOMAIN_ERRORS, DomainError, notFound, SERVER_FAILURE_MESSAGE } from "@/server/errors";
import { containsNul, NUL_MESSAGE } from "@/server/http/guard";
import { couponId } from "@/server/vouchers/schema";

export type Context = {
  handle: DatabaseHandle;
  sessionToken: string | undefined;
  /** Set by tests that call procedures as a given user without a cookie. */
  user?: SessionUser | null;
  /** The language the request asked for (cookie, then Accept-Language); the user's own choice wins. */
  locale?: Locale;
};

/** The viewer's language for words the server makes (the audit log's sentences, R-I18N-1). */
export function viewerLocale(ctx: { user?: SessionUser | null; locale?: Locale }): Locale {
  return isLocale(ctx.user?.locale) ? ctx.user.locale : (ctx.locale ?? "en");
}

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      // Never a stack trace or a database message to the browser.
      message:
        shape.data.code === "INTERNAL_SERVER_ERROR"
          ? SERVER_FAILURE_MESSAGE
          : zod
            ? z.prettifyError(zod)
            : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        fieldErrors: zod ? z.flattenError(zod).fieldErrors : undefined,
        /** The typed domain error, for clients that react to one case (e.g. VOUCHER_CHANGED). */
        domainCode: error.cause instanceof DomainError ? error.cause.code : undefined,
        /** The case (a key of the `errors` catalog) and its facts, worded by the client (R-I18N-1). */
        reason: error.cause instanceof DomainError ? error.cause.reason : undefined,
        params: error.cause instanceof DomainError ? error.cause.params : undefined,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** PostgreSQL's answers to contention: a lock wait that timed out, a deadlock, a serialization failure. */
const BUSY_SQLSTATES = new Set(["55P03", "40P01", "40001"]);
const sqlState = (e: unknown): string | undefined => {
  for (let c: unknown = e; c && typeof c === "object"; c = (c as { cause?: unknown }).cause) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
};

/**
 * Typed domain errors (and contention, and a lost database connection) as tRPC errors, in one place: the procedures' middleware below
 * and the route handlers' door (server/http/route.ts) both use it. Null for anything else.
 */
export function domainTRPCError(cause: unknown): TRPCError | null {
  if (cause instanceof DomainError) {
    return new TRPCError({ code: DOMAIN_ERRORS[cause.code], message: cause.message, cause });
  }
  if (BUSY_SQLSTATES.has(sqlState(cause) ?? "")) {
    return new TRPCError({
      code: "CONFLICT",
      message: "This voucher is busy right now. Nothing was charged; please try again.",
      cause: new DomainError("CONFLICT", "BUSY"),
    });
  }
  if (isConnectionLoss(cause)) {
    const lost = new DomainError("DATABASE_UNAVAILABLE", "DATABASE_UNAVAILABLE");
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: lost.message, cause: lost });
  }
  return null;
}

const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  const mapped = result.ok ? null : domainTRPCError(result.error.cause);
  if (mapped) throw mapped;
  return result;
});

/**
 * Hostile input as a class, before any procedure's schema or code (issue 11, R-SEC-2): a NUL
 * character in any string or key of the input is a 400, whatever the field (PostgreSQL cannot
 * store one in text, SQLSTATE 22021).
 */
const inputHygiene = t.middleware(async ({ getRawInput, next }) => {
  let raw: unknown;
  try {
    raw = await getRawInput();
  } catch {
    return next(); // the procedure's own parsing answers the unreadable input
  }
  if (containsNul(raw)) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: NUL_MESSAGE,
      cause: new DomainError("INVALID_INPUT", "NUL_TEXT"),
    });
  }
  return next();
});

export const publicProcedure = t.procedure.use(inputHygiene).use(domainErrors);

/**
 * The signed-in user (set by tests, or the cookie's live session), or UNAUTHORIZED. The one place
 * "the session is live" is decided, for procedures and route handlers (server/http/route.ts) alike.
 */
export async function sessionUser(ctx: Context): Promise<SessionUser> {
  const user = ctx.user !== undefined ? ctx.user : await getSessionUser(ctx.handle.db, ctx.sessionToken);
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in." });
  return user;
}

/** Session required; `ctx.user` is non-null from here on. */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) =>
  next({ ctx: { ...ctx, user: await sessionUser(ctx) } }),
);

/**
 * Session required, but not looked up here: `ctx.caller` (the user, when already known, or the
 * cookie's session hash) goes into the procedure's own statement, which checks the session itself.
 * One round trip instead of two on the money path (decision 009).
 */
export const sessionProcedure = publicProcedure.use(({ ctx, next }) => {
  const sessionHash = ctx.user === undefined ? sessionTokenHash(ctx.sessionToken) : null;
  const caller: Caller | null = ctx.user ?? (sessionHash ? { sessionHash } : null);
  if (!caller) throw new TRPCError({ code: "UNAUTHORIZED", message: "Please sign in." });
  return next({ ctx: { ...ctx, caller } });
});

export const operatorProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.user.role !== "operator") {
    throw new DomainError("FORBIDDEN", "OPERATOR_ONLY");
  }
  return next();
});

export const accountInput = z.object({
  /** The account to act on: one UID, or "all" the caller may see (R-LIST-5); defaults to the caller's own. */
  accountId: z.string().min(1).max(64).optional(),
});

/**
 * Resolves the accounts a call acts on and checks the caller may (R-SEC-1, R-ENT-3):
 * `ctx.scope` is one account, or "all" the caller may see (always including their own), which
 * the list statement reads itself. An account the caller may not see is "not found", never a
 * hint that it exists. Permissions are read on every request: a revoke takes effect at once.
 */
export const accountProcedure = authedProcedure
  .input(accountInput)
  .use(async ({ ctx, input, next }) =>
    next({ ctx: { ...ctx, scope: await accountScope(ctx.handle.db, ctx.user, input.accountId) } }),
  );

/**
 * A call about one voucher (R-SEC-1, R-SEC-2, R-ENT-3): input `{ id }`; `ctx.coupon` is the voucher
 * the caller may see (visibleCoupon: owner's account viewable, shared with the caller, or the
 * operator), otherwise NOT_FOUND exactly like an ID that does not exist. The voucher's CSV export
 * (couponRoute in server/http/route.ts) runs the same check.
 */
export const couponProcedure = authedProcedure
  .input(z.object({ id: couponId }))
  .use(async ({ ctx, input, next }) =>
    next({ ctx: { ...ctx, coupon: await visibleCoupon(ctx.handle.db, ctx.user, input.id) } }),
  );

/** The scope of a call for a known user, or the tRPC error that refuses it. */
export async function accountScope(
  db: DatabaseHandle["db"],
  user: SessionUser,
  requested: string | undefined,
): Promise<AccountScope> {
  const scope = await resolveAccountScope(db, user, requested);
  if (scope === "operator-all") throw new DomainError("INVALID_INPUT", "CHOOSE_ONE_ACCOUNT");
  if (!scope) throw notFound("Account");
  return scope;
}
