import type { IncomingMessage, ServerResponse } from "node:http";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import {
  getErrorShape,
  getHTTPStatusCode,
  getRequestInfo,
  getTRPCErrorFromUnknown,
  isAsyncIterable,
  isObject,
  isPromise,
  TRPCError,
  type TRPCResponse,
  transformTRPCResponse,
} from "@trpc/server/unstable-core-do-not-import";
import { createContext } from "@/server/trpc/context";
import type { Context } from "@/server/trpc/init";
import type { RequestLike } from "./guard";
import { TRPC_OPTIONS } from "./trpc";

/**
 * The Node entry's tRPC endpoint (decision 019). tRPC's own Node adapter turns every request into a
 * fetch `Request` (with an AbortSignal and a Headers copy), answers with a fetch `Response`, and pipes
 * that body through a WritableStream into the socket. On Node 20 those objects cost more than the
 * whole procedure call of a small query (measured: `new Request` with a signal ~33 µs, each
 * `AbortSignal.any` ~20 µs and two per request, `new Response` ~25 µs, plus the stream pipe and a
 * chunked body written in two syscalls; decision 019, and its same-run figures in docs/BENCHMARKS.md).
 *
 * This door answers the calls that need none of that, which is every call the console makes: a JSON
 * query (GET) or mutation (POST), alone or batched. It uses tRPC's own pieces for everything that
 * is protocol (reading the path, batch and inputs: `getRequestInfo`; error shapes through the
 * router's errorFormatter: `getErrorShape`; the status of a batch: `getHTTPStatusCode`) and only
 * replaces the fetch objects around them: the answer is one `res.end(body)` with a Content-Length.
 *
 * Everything else goes to tRPC's adapter unchanged, before any procedure runs: a streamed batch
 * (`trpc-accept: application/jsonl`), a subscription, another content type, a request tRPC's
 * parsing refuses (its error answer is then tRPC's own), a context that cannot be built. A test
 * (tests/integration/trpc-door.test.ts) sends the same requests through both and compares status,
 * headers and bytes.
 */

const config = TRPC_OPTIONS.router._def._config;
// Subscriptions never get here: they go to tRPC's adapter before any procedure runs.
const METHODS: Record<string, string> = { query: "GET", mutation: "POST" };
const STREAM_RESPONSE_MESSAGE =
  "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink";

/** tRPC's test for a result it can only stream (an async iterable, or an object holding promises). */
function isDataStream(v: unknown): boolean {
  if (!isObject(v)) return false;
  if (isAsyncIterable(v)) return true;
  const values = Object.values(v);
  return values.some(isPromise) || values.some(isAsyncIterable);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.once("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.once("error", reject); // also a client that goes away mid-body (Node's "aborted" error)
  });
}

const utf8 = new TextDecoder(); // as fetch's Request.json(): UTF-8, a leading BOM dropped

function jsonContent(type: string | null): boolean {
  return type?.toLowerCase().split(";", 1)[0]?.trim() === "application/json";
}

/** How the entry answers one call to `/api/trpc/<path>`, its refusals already run. */
export type TrpcAnswer = (
  req: IncomingMessage & { body?: unknown },
  res: ServerResponse,
  path: string,
  url: URL,
  like: RequestLike,
) => Promise<void>;

/** tRPC's own Node adapter, with the Next route's options and context (the entry's door before decision 019). */
export const answerByAdapter: TrpcAnswer = (req, res, path, _url, like) =>
  nodeHTTPRequestHandler({
    ...TRPC_OPTIONS,
    req,
    res,
    path,
    createContext: () => createContext(like.headers),
  });

/**
 * Answers one request to `/api/trpc/<path>` (its refusals already run by the caller). Resolves
 * when the answer is written.
 */
export const answerTrpc: TrpcAnswer = async (req, res, path, url, like) => {
  const method = like.method;
  const contentType = like.headers.get("content-type");
  const fallback = () => answerByAdapter(req, res, path, url, like);
  const plain =
    method === "GET" ? contentType === null || jsonContent(contentType) : jsonContent(contentType);
  if (!plain) return fallback();

  let text: string | undefined;
  if (method === "POST") {
    text = utf8.decode(await readBody(req));
    req.body = text; // tRPC's adapter reads this instead of the (consumed) stream if it answers after all
  }
  const aborted = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) aborted.abort();
  };
  res.once("close", onClose);
  const request = {
    method,
    url: url.href,
    headers: { get: like.headers.get, has: (name: string) => like.headers.get(name) !== null },
    signal: aborted.signal,
    json: async () => JSON.parse(text ?? ""),
  };

  let info: Awaited<ReturnType<typeof getRequestInfo>>;
  let ctx: Context;
  try {
    info = await getRequestInfo({
      req: request as unknown as Request,
      path: decodeURIComponent(path),
      router: TRPC_OPTIONS.router,
      searchParams: url.searchParams,
      headers: request.headers as unknown as Headers,
      url,
      maxBatchSize: TRPC_OPTIONS.maxBatchSize,
    });
    if (info.accept === "application/jsonl" || info.type === "subscription") throw new Error("streamed");
    ctx = await createContext(like.headers);
  } catch {
    // Nothing has run yet: tRPC's adapter answers (a streamed call, or its own error for this request).
    res.off("close", onClose);
    return fallback();
  }

  const answers: TRPCResponse[] = await Promise.all(
    info.calls.map(async (call): Promise<TRPCResponse> => {
      const proc = call.procedure;
      const type = proc?._def.type ?? "unknown";
      try {
        if (!proc)
          throw new TRPCError({ code: "NOT_FOUND", message: `No procedure found on path "${call.path}"` });
        if (METHODS[type] !== method) {
          throw new TRPCError({
            code: "METHOD_NOT_SUPPORTED",
            message: `Unsupported ${method}-request to ${type} procedure at path "${call.path}"`,
          });
        }
        const data: unknown = await proc({
          path: call.path,
          getRawInput: call.getRawInput,
          ctx,
          type: proc._def.type,
          signal: aborted.signal,
          batchIndex: call.batchIndex,
        });
        if (isDataStream(data))
          throw new TRPCError({ code: "UNSUPPORTED_MEDIA_TYPE", message: STREAM_RESPONSE_MESSAGE });
        return { result: { data } };
      } catch (cause) {
        const error = getTRPCErrorFromUnknown(cause);
        const input = call.result();
        TRPC_OPTIONS.onError({ error, path: call.path });
        return { error: getErrorShape({ config, ctx, error, input, path: call.path, type }) };
      }
    }),
  );
  res.off("close", onClose);

  const meta = TRPC_OPTIONS.responseMeta();
  res.statusCode = getHTTPStatusCode(answers);
  for (const [key, value] of Object.entries(meta.headers)) res.setHeader(key, value);
  res.setHeader("content-type", "application/json");
  res.setHeader("vary", "trpc-accept, accept");
  res.end(
    JSON.stringify(transformTRPCResponse(config, info.isBatchCall ? answers : (answers[0] as TRPCResponse))),
  );
};
