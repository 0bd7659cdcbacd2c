import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { errorResponse } from "./errors";
import { CROSS_SITE_MESSAGE, crossSiteReason } from "./guard";
import { createContext } from "@/server/trpc/context";
import type { Context } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/root";

/** The most calls one batched request may carry; the client's batch link uses the same limit. */
export const MAX_BATCH_SIZE = 20;

/**
 * The tRPC endpoint. Mutations (POST) are accepted only as JSON from the console's own pages
 * (R-SEC-3): a form or multipart POST is 415 and a cross-site one 403, before any procedure runs.
 * Every answer is `Cache-Control: no-store` (R-SEC-5).
 */
export async function handleTrpc(
  req: Request,
  context: () => Promise<Context> = () => createContext(req.headers),
): Promise<Response> {
  if (req.method === "POST") {
    const type = (req.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") {
      return errorResponse("UNSUPPORTED_MEDIA_TYPE", "Send this request as JSON (application/json).");
    }
    if (crossSiteReason(req)) return errorResponse("FORBIDDEN", CROSS_SITE_MESSAGE);
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: context,
    responseMeta: () => ({ headers: { "Cache-Control": "no-store" } }),
    onError({ error, path }) {
      if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path}:`, error.cause ?? error);
    },
  });
}
