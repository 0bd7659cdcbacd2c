import type { IncomingMessage, ServerResponse } from "node:http";
import { createURL, incomingMessageToRequest } from "@trpc/server/adapters/node-http";
import { GET as auditExport } from "@/app/api/audit/export/route";
import { GET as billExport } from "@/app/api/bills/[id]/export/route";
import { GET as couponExport } from "@/app/api/coupons/[id]/export/route";
import { GET as couponsExport } from "@/app/api/coupons/export/route";
import { appDatabase } from "@/db";
import { API_HEADERS } from "@/lib/security-headers";
import type { RequestLike } from "./guard";
import type { RouteHandler } from "./route";
import { trpcRefusal } from "./trpc";
import { answerTrpc, type TrpcAnswer } from "./trpc-node";

/**
 * The Node entry's own door (issue 13, decision 017): the tRPC endpoint and the CSV exports served
 * on node:http without Next's router. Nothing here decides anything: the tRPC endpoint runs the
 * same refusal (trpcRefusal), options and context as the Next route, on tRPC's node-http adapter;
 * an export runs the very route handler Next would (its door: guards, session, access, error
 * shape), and its Response is written to the socket with backpressure. Every answer carries the
 * same API headers next.config.ts gives /api (API_HEADERS). Anything else, or a method these
 * routes do not answer, returns false and goes to Next.
 */

/** The guards' view of an IncomingMessage: method, absolute URL (from Host, as tRPC builds it), headers. */
function requestLike(req: IncomingMessage, url: URL): RequestLike {
  return {
    method: req.method ?? "GET",
    url: url.href,
    headers: {
      get(name: string) {
        const v = req.headers[name.toLowerCase()];
        return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
      },
    },
  };
}

const TRPC_PATH = /^\/api\/trpc\/([^/]+)$/;

// biome-ignore lint/suspicious/noExplicitAny: each route has its own params type
const EXPORTS: [RegExp, RouteHandler<any>][] = [
  [/^\/api\/coupons\/export$/, couponsExport],
  [/^\/api\/coupons\/([^/]+)\/export$/, couponExport],
  [/^\/api\/bills\/([^/]+)\/export$/, billExport],
  [/^\/api\/audit\/export$/, auditExport],
];

function setApiHeaders(res: ServerResponse) {
  for (const h of API_HEADERS) res.setHeader(h.key, h.value);
}

/**
 * Writes a fetch Response to a Node response: status, headers (several Set-Cookie kept apart), then
 * the body chunk by chunk, waiting for `drain` when the socket is full. When the client goes away
 * the body is cancelled: an export's cancel path releases its database connection, as under Next.
 */
export async function sendResponse(res: ServerResponse, response: Response, head = false): Promise<void> {
  res.statusCode = response.status;
  for (const [key, value] of response.headers) if (key !== "set-cookie") res.setHeader(key, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  if (!response.body || head) {
    await response.body?.cancel().catch(() => {});
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const onClose = () => {
    if (!res.writableFinished) reader.cancel().catch(() => {});
  };
  res.once("close", onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) {
        await new Promise<void>((resolve) => {
          const go = () => {
            res.off("drain", go);
            res.off("close", go);
            resolve();
          };
          res.once("drain", go);
          res.once("close", go);
        });
      }
    }
    if (!res.destroyed) res.end();
  } catch (e) {
    // The body failed midway (a database error in an export): cut the connection, so the client
    // sees an incomplete download rather than a file that looks whole. Next does the same.
    console.error("response body:", e);
    res.destroy();
  } finally {
    res.off("close", onClose);
  }
}

/**
 * Serves the request when it is the API's; false hands it to Next. `answer` serves a tRPC call once
 * its refusals have run: the entry's own door (decision 019), or tRPC's adapter (the comparison test
 * and bench:list's "before").
 */
export function serveApi(
  req: IncomingMessage,
  res: ServerResponse,
  answer: TrpcAnswer = answerTrpc,
): Promise<void> | false {
  const method = req.method ?? "GET";
  const path = (req.url ?? "/").split("?", 1)[0] ?? "/";
  if (!path.startsWith("/api/")) return false;

  const trpc = TRPC_PATH.exec(path);
  if (trpc && (method === "GET" || method === "POST")) {
    const url = createURL(req);
    const like = requestLike(req, url);
    setApiHeaders(res);
    const refusal = trpcRefusal(like);
    if (refusal) return sendResponse(res, refusal);
    return answer(req, res, trpc[1] as string, url, like);
  }

  if (method !== "GET" && method !== "HEAD") return false;
  for (const [pattern, handler] of EXPORTS) {
    const m = pattern.exec(path);
    if (!m) continue;
    setApiHeaders(res);
    const request = incomingMessageToRequest(req, res, { maxBodySize: null });
    let params: Promise<{ id?: string }>;
    try {
      params = Promise.resolve(m[1] === undefined ? {} : { id: decodeURIComponent(m[1]) });
    } catch (e) {
      // The door answers a bad %-encoding with its 400, as it does for Next's rejected params.
      params = Promise.reject(e);
      params.catch(() => {});
    }
    return (async () => {
      const response = await handler.serve(await appDatabase(), request, params);
      await sendResponse(res, response, method === "HEAD");
    })();
  }
  return false;
}
