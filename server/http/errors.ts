import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";

/**
 * The JSON error answer of every route handler under app/api (decision 011): a tRPC error code, the
 * HTTP status tRPC gives that code, a short sentence for the user and, for a typed domain error, its
 * code. Built by the door (server/http/route.ts) for whatever a handler throws, and by the few
 * answers a handler gives itself (a 503 when too many exports run, sign-in's 400 and 401).
 */
export type ErrorBody = {
  error: {
    code: TRPCError["code"];
    message: string;
    domainCode?: string;
    /** The case (a key of the `errors` catalog) and its facts, worded by the client (R-I18N-1). */
    reason?: string;
    params?: Record<string, unknown>;
  };
};

/** A JSON error answer in the door's shape, for the few answers a handler gives itself (e.g. 503). */
export function errorResponse(
  code: TRPCError["code"],
  message: string,
  init: {
    headers?: Record<string, string>;
    domainCode?: string;
    reason?: string;
    params?: Record<string, unknown>;
  } = {},
): Response {
  const body: ErrorBody = {
    error: {
      code,
      message,
      ...(init.domainCode ? { domainCode: init.domainCode } : {}),
      ...(init.reason ? { reason: init.reason, params: init.params ?? {} } : {}),
    },
  };
  return Response.json(body, {
    status: getHTTPStatusCodeFromError(new TRPCError({ code })),
    headers: { "Cache-Control": "no-store", ...init.headers },
  });
}
