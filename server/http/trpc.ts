import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { errorResponse } from "./errors";
import { CROSS_SITE_MESSAGE, crossSiteReason, type RequestLike } from "./guard";
import { createContext } from "@/server/trpc/context";
import type { Context } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/root";

/** The most calls one batched request may carry; the client's batch link uses the same limit. */
export const MAX_BATCH_SIZE = 20;

/**
 * Mutations (POST) are accepted only as JSON from the console's own pages (R-SEC-3): a form or
 * multipart POST is 415 and a cross-site one 403, before any procedure runs. The answer that refuses
 * the request, or null. Both doors run it first: the Next route below and the Node entry
 * (server/http/node.ts).
 */
export function trpcRefusal(req: RequestLike): Response | null {
  if (req.method === "POST") {
    const type = (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") {
      return errorResponse("UNSUPPORTED_MEDIA_TYPE", "Send this request as JSON (application/json).");
    }
    if (crossSiteReason(req)) return errorResponse("FORBIDDEN", CROSS_SITE_MESSAGE);
  }
  return null;
}

/**
 * The endpoint's options, whichever tRPC adapter serves it (fetch in the Next route, node-http in
 * the Node entry): the router, the batch cap, `Cache-Control: no-store` on every answer (R-SEC-5)
 * and the server log of unexpected errors.
 */
export const TRPC_OPTIONS = {
  router: appRouter,
  maxBatchSize: MAX_BATCH_SIZE,
  responseMeta: () => ({ headers: { "Cache-Control": "no-store" } }),
  onError({ error, path }: { error: { code: string; cause?: unknown }; path?: string }) {
    if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path}:`, error.cause ?? error);
  },
};

/** The tRPC endpoint as a fetch handler (app/api/trpc/[trpc]/route.ts, and the tests). */
export async function handleTrpc(
  req: Request,
  context: () => Promise<Context> = () => createContext(req.headers),
): Promise<Response> {
  const refusal = trpcRefusal(req);
  if (refusal) return refusal;
  return fetchRequestHandler({ ...TRPC_OPTIONS, endpoint: "/api/trpc", req, createContext: context });
}
