import { getTRPCErrorFromUnknown, TRPCError } from "@trpc/server";
import { appDatabase } from "@/db";
import type { DatabaseHandle } from "@/db/client";
import type { AccountScope } from "@/server/auth/access";
import { visibleCoupon } from "@/server/auth/access";
import { readSessionCookie, type SessionUser } from "@/server/auth/session";
import { DomainError, SERVER_FAILURE_MESSAGE } from "@/server/errors";
import { accountScope, type Context, domainTRPCError, sessionUser } from "@/server/trpc/init";
import { couponId } from "@/server/vouchers/schema";
import { errorResponse } from "./errors";
import { CROSS_SITE_MESSAGE, checkUrl, containsNul, crossSiteReason } from "./guard";

/** A path for the server log, whatever the URL holds. */
const safePath = (url: string) => {
  try {
    return new URL(url).pathname.slice(0, 200);
  } catch {
    return "(bad url)";
  }
};

export { errorResponse } from "./errors";

/**
 * The one door of the route handlers under app/api (decision 011): the procedures' ladder
 * (server/trpc/init.ts) for plain HTTP handlers. A handler is built with one of
 *
 *   publicRoute   no session needed (sign-in, sign-out)
 *   authedRoute   the caller's live session, as authedProcedure: `ctx.user`, or 401
 *   accountRoute  plus the account(s) the call acts on, as accountProcedure: `ctx.scope`, or 404
 *   couponRoute   plus the voucher `[id]`, as couponProcedure: `ctx.coupon`, or 404
 *
 * and is the only place a route handler learns who is calling: the session is resolved by
 * sessionUser, the account by accountScope, the voucher by visibleCoupon, the very functions the
 * procedures call. Whatever a step or the handler throws becomes one JSON answer with the status the
 * tRPC API gives the same error (DomainError → tRPC code → HTTP status, the mapping of init.ts):
 *
 *   { "error": { "code": "NOT_FOUND", "message": "Voucher not found", "domainCode": "NOT_FOUND" } }
 *
 * 401 without a live session, 404 for anything the caller may not see (the same body as something
 * that does not exist), 400 for bad input, and for anything unexpected a 500 with a fixed sentence
 * (logged on the server; never a stack trace or a database message to the browser).
 */

/** Any thrown value as the door's JSON answer. */
export function errorToResponse(e: unknown, where: string): Response {
  const error =
    domainTRPCError(e) ??
    (e instanceof TRPCError ? domainTRPCError(e.cause) : null) ??
    getTRPCErrorFromUnknown(e);
  if (error.code === "INTERNAL_SERVER_ERROR") {
    console.error(`route ${where}:`, error.cause ?? error);
    return errorResponse("INTERNAL_SERVER_ERROR", SERVER_FAILURE_MESSAGE);
  }
  const cause = error.cause instanceof DomainError ? error.cause : null;
  return errorResponse(error.code, error.message, {
    domainCode: cause?.code,
    reason: cause?.reason,
    params: cause?.params,
  });
}

const DOOR = Symbol.for("voucher-console.route-door");
export type DoorKind = "public" | "authed" | "account" | "coupon";

type NextContext<P> = { params: Promise<P> };

/** What every handler gets: the database and the route's dynamic segments. */
export type PublicContext<P> = { handle: DatabaseHandle; params: P };
export type AuthedContext<P> = PublicContext<P> & { user: SessionUser };

export type RouteHandler<P = Record<string, never>> = {
  (req: Request, ctx: NextContext<P>): Promise<Response>;
  /** Which step of the ladder guards this handler (the coverage test checks every route has one). */
  readonly [DOOR]: DoorKind;
  /** The same handler on a given database: tests call route handlers with their own. */
  serve(handle: DatabaseHandle, req: Request, params?: P | Promise<P>): Promise<Response>;
};

/** The door's kind of a route module's export, or null when it was not built here. */
export function doorOf(handler: unknown): DoorKind | null {
  return typeof handler === "function" && DOOR in handler ? (handler as RouteHandler<never>)[DOOR] : null;
}

function door<P, C>(
  kind: DoorKind,
  resolve: (req: Request, base: PublicContext<P>) => Promise<C>,
  handler: (req: Request, ctx: C) => Promise<Response> | Response,
): RouteHandler<P> {
  const serve = async (
    handle: DatabaseHandle | Promise<DatabaseHandle>,
    req: Request,
    params?: P | Promise<P>,
  ): Promise<Response> => {
    try {
      // Hostile input, refused as a class before anything is read (issue 11, server/http/guard.ts).
      checkUrl(new URL(req.url));
      const crossSite = crossSiteReason(req);
      if (crossSite) return errorResponse("FORBIDDEN", CROSS_SITE_MESSAGE);
      let p: P;
      try {
        p = (await params) ?? ({} as P);
      } catch {
        throw new DomainError("INVALID_INPUT", "BAD_ADDRESS");
      }
      if (containsNul(p)) throw new DomainError("INVALID_INPUT", "NUL_TEXT");
      const res = await handler(req, await resolve(req, { handle: await handle, params: p }));
      // API answers are never cached (R-SEC-5); a download that chose its own policy keeps it.
      if (res.headers.has("Cache-Control")) return res;
      try {
        res.headers.set("Cache-Control", "no-store");
        return res;
      } catch {
        // Immutable headers (Response.redirect): the same answer with a copy of them.
        const headers = new Headers(res.headers);
        headers.set("Cache-Control", "no-store");
        return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
      }
    } catch (e) {
      return errorToResponse(e, safePath(req.url));
    }
  };
  const route = (async (req: Request, ctx: NextContext<P>) =>
    serve(appDatabase(), req, ctx?.params)) as RouteHandler<P>;
  Object.defineProperty(route, DOOR, { value: kind });
  route.serve = serve;
  return route;
}

/** The procedures' context for this request: the database and the session cookie. */
const contextOf = (req: Request, handle: DatabaseHandle): Context => ({
  handle,
  sessionToken: readSessionCookie(req.headers.get("cookie")),
});

async function authed<P>(req: Request, base: PublicContext<P>): Promise<AuthedContext<P>> {
  return { ...base, user: await sessionUser(contextOf(req, base.handle)) };
}

/** No session needed; errors still answer in the door's shape. */
export function publicRoute<P = Record<string, never>>(
  handler: (req: Request, ctx: PublicContext<P>) => Promise<Response> | Response,
): RouteHandler<P> {
  return door("public", async (_req, base) => base, handler);
}

/** A live session required (authedProcedure's step): `ctx.user`, or 401. */
export function authedRoute<P = Record<string, never>>(
  handler: (req: Request, ctx: AuthedContext<P>) => Promise<Response> | Response,
): RouteHandler<P> {
  return door("authed", authed, handler);
}

/**
 * The account(s) a call acts on (accountProcedure's step): `input` reads the request (throw a
 * DomainError INVALID_INPUT for 400), its `accountId` (one UID, "all", or the caller's own when
 * unset) is resolved to `ctx.scope`; an account the caller may not see is 404.
 */
export function accountRoute<I extends { accountId?: string }, P = Record<string, never>>(
  input: (req: Request) => I,
  handler: (
    req: Request,
    ctx: AuthedContext<P> & { input: I; scope: AccountScope },
  ) => Promise<Response> | Response,
): RouteHandler<P> {
  return door(
    "account",
    async (req, base) => {
      const ctx = await authed(req, base);
      const parsed = input(req);
      return { ...ctx, input: parsed, scope: await accountScope(ctx.handle.db, ctx.user, parsed.accountId) };
    },
    handler,
  );
}

/** One voucher, the route's `[id]` (couponProcedure's step): `ctx.coupon` the caller may see, or 404. */
export function couponRoute(
  handler: (
    req: Request,
    ctx: AuthedContext<{ id: string }> & { coupon: { id: string; accountId: string } },
  ) => Promise<Response> | Response,
): RouteHandler<{ id: string }> {
  return door(
    "coupon",
    async (req, base: PublicContext<{ id: string }>) => {
      const ctx = await authed(req, base);
      const id = couponId.safeParse(base.params.id);
      if (!id.success) {
        throw new DomainError("INVALID_INPUT", "BAD_VOUCHER_ID");
      }
      return { ...ctx, coupon: await visibleCoupon(ctx.handle.db, ctx.user, id.data) };
    },
    handler,
  );
}
