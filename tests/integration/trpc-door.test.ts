/**
 * The Node entry answers tRPC's JSON calls itself (server/http/trpc-node.ts, decision 019) instead of
 * through tRPC's Node adapter. Same procedures, same error shapes: every request below goes to two
 * servers on the same database, both running the entry's `serveApi` (the same refusals and headers),
 * one answering with the entry's door and one with tRPC's own adapter (what the entry ran before).
 * The answers must match byte for byte: status, body, headers. The calls the console makes must take the lean path (a Content-Length answer); a
 * streamed batch must still go to tRPC's adapter (a chunked answer).
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provideAppDatabase } from "@/db";
import { type DatabaseHandle, rows } from "@/db/client";
import { DEMO_PASSWORD } from "@/db/seed";
import { SESSION_COOKIE, signIn } from "@/server/auth/session";
import { serveApi } from "@/server/http/node";
import { MAX_BATCH_SIZE } from "@/server/http/trpc";
import { answerByAdapter } from "@/server/http/trpc-node";
import { eachDriver, seededDatabase, testDatabases } from "../db";
import { callerFor } from "../helpers";

const drivers = await testDatabases();

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<http.Server> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}
const base = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

type Call = {
  name: string;
  path: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
};
type Answer = { status: number; body: string; headers: Record<string, string> };

const TRANSPORT = new Set(["date", "connection", "keep-alive", "transfer-encoding", "content-length"]);

async function send(
  server: http.Server,
  call: Call,
  cookie: string | null,
): Promise<Answer & { length: boolean }> {
  const r = await fetch(`${base(server)}${call.path}`, {
    method: call.method ?? "GET",
    headers: {
      ...(cookie ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {}),
      ...(call.method === "POST"
        ? { "content-type": "application/json", "sec-fetch-site": "same-origin" }
        : {}),
      ...call.headers,
    },
    body: call.body,
  });
  const headers: Record<string, string> = {};
  for (const [k, v] of r.headers) if (!TRANSPORT.has(k)) headers[k] = v;
  return { status: r.status, body: await r.text(), headers, length: r.headers.has("content-length") };
}

const q = (v: unknown) => encodeURIComponent(JSON.stringify(v));
const LIST = { type: "cash", sort: "balance", dir: "desc", limit: 5 };

describe.each(eachDriver(drivers))(
  "[%s] the entry's tRPC door answers as tRPC's adapter (R-SEC-2, R-LIST-1)",
  (_n, driver) => {
    let handle: DatabaseHandle;
    let lean: http.Server;
    let adapter: http.Server;
    let alice: string;
    let order: string;

    beforeAll(async () => {
      handle = await seededDatabase(driver);
      provideAppDatabase(handle);
      alice = (await signIn(handle.db, "alice@example.com", DEMO_PASSWORD)) as string;
      const created = await callerFor(handle, "u-alice").orders.create({
        productCode: "ecs",
        paymentType: "Subscription",
        transactionType: "New Purchase",
        amount: "10.00",
      });
      order = created.id;
      lean = await listen((req, res) => {
        const api = serveApi(req, res);
        if (api === false) res.writeHead(404).end();
      });
      adapter = await listen((req, res) => {
        const api = serveApi(req, res, answerByAdapter);
        if (api === false) res.writeHead(404).end();
      });
    });
    afterAll(async () => {
      lean?.close();
      adapter?.close();
      lean?.closeAllConnections();
      adapter?.closeAllConnections();
    });

    // leanPath: answered by the lean door (true), by tRPC's adapter (false), by the refusal before both (null).
    const calls = (): (Call & { signedIn?: boolean; leanPath: boolean | null })[] => [
      { name: "a no-op query", path: "/api/trpc/health.ping", leanPath: true },
      {
        name: "a page of vouchers",
        path: `/api/trpc/coupons.list?input=${q(LIST)}`,
        signedIn: true,
        leanPath: true,
      },
      { name: "not signed in", path: `/api/trpc/coupons.list?input=${q(LIST)}`, leanPath: true },
      {
        name: "input the schema refuses",
        path: `/api/trpc/coupons.list?input=${q({ ...LIST, limit: -1 })}`,
        signedIn: true,
        leanPath: true,
      },
      {
        name: "input that is not JSON",
        path: "/api/trpc/coupons.list?input=%7Bnot",
        signedIn: true,
        leanPath: true,
      },
      {
        name: "a NUL character in the input",
        path: `/api/trpc/coupons.list?input=${q({ ...LIST, q: "a\u0000b" })}`,
        signedIn: true,
        leanPath: true,
      },
      {
        name: "a voucher that is not the caller's",
        path: `/api/trpc/coupons.get?input=${q({ id: "CP-BOB0-0200" })}`,
        signedIn: true,
        leanPath: true,
      },
      { name: "no such procedure", path: "/api/trpc/nope.nothing", leanPath: true },
      {
        name: "a mutation by GET",
        path: `/api/trpc/orders.pay?input=${q({})}`,
        signedIn: true,
        leanPath: true,
      },
      {
        name: "the console's batch: a page and a refusal (207)",
        path: `/api/trpc/coupons.list,coupons.list?batch=1&input=${q({ 0: LIST, 1: { ...LIST, sort: "nope" } })}`,
        signedIn: true,
        leanPath: true,
      },
      {
        name: "a batch of queries",
        path: `/api/trpc/health.ping,me.preferences,coupons.accounts?batch=1&input=${q({})}`,
        signedIn: true,
        leanPath: true,
      },
      {
        name: "a batch input that is not an object",
        path: `/api/trpc/health.ping?batch=1&input=${q([1])}`,
        leanPath: true,
      },
      {
        name: "a batch over the cap",
        path: `/api/trpc/${Array(MAX_BATCH_SIZE + 1)
          .fill("health.ping")
          .join(",")}?batch=1&input=${q({})}`,
        leanPath: false,
      },
      { name: "a bad %-encoding in the path", path: "/api/trpc/health.%E0%A4%A", leanPath: false },
      {
        name: "a streamed batch (httpBatchStreamLink)",
        path: `/api/trpc/health.ping,coupons.list?batch=1&input=${q({ 1: LIST })}`,
        headers: { "trpc-accept": "application/jsonl" },
        signedIn: true,
        leanPath: false,
      },
      {
        name: "a payment with a key, then its replay",
        path: "/api/trpc/orders.pay",
        method: "POST",
        body: JSON.stringify({
          orderId: "ORDER_ID",
          couponId: null,
          expectedDeductionMinor: 0,
          idempotencyKey: "door-test-0001",
        }),
        signedIn: true,
        leanPath: true,
      },
      {
        name: "a batched mutation with bad input",
        path: "/api/trpc/orders.pay?batch=1",
        method: "POST",
        body: JSON.stringify({ 0: { orderId: "ORDER_ID" } }),
        signedIn: true,
        leanPath: true,
      },
      {
        name: "a body that is not JSON",
        path: "/api/trpc/orders.pay",
        method: "POST",
        body: "{",
        signedIn: true,
        leanPath: true,
      },
      {
        name: "a query by POST",
        path: "/api/trpc/coupons.list",
        method: "POST",
        body: JSON.stringify(LIST),
        signedIn: true,
        leanPath: true,
      },
      {
        name: "a form POST (refused first)",
        path: "/api/trpc/orders.pay",
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "a=1",
        signedIn: true,
        leanPath: null,
      },
      {
        name: "a cross-site POST (refused first)",
        path: "/api/trpc/orders.pay",
        method: "POST",
        headers: { "sec-fetch-site": "cross-site" },
        body: "{}",
        signedIn: true,
        leanPath: null,
      },
    ];

    it("every call: the same status, body and headers through both doors", async () => {
      for (const call of calls()) {
        const c = { ...call, body: call.body?.replaceAll("ORDER_ID", order) };
        const cookie = call.signedIn ? alice : null;
        // The adapter first: a payment then runs once there and is replayed through the lean door.
        const before = await send(adapter, c, cookie);
        const after = await send(lean, c, cookie);
        expect({ call: call.name, ...after, length: undefined }).toEqual({
          call: call.name,
          ...before,
          length: undefined,
        });
        if (call.leanPath) expect(after.length, `${call.name}: answered by the lean door`).toBe(true);
        else if (call.leanPath === false && before.status === 200)
          expect(after.length, `${call.name}: answered by tRPC's adapter`).toBe(false);
      }
    });

    it("a page answered by the lean door is the procedure's page, and the payment sent through both doors was made", async () => {
      const r = await send(lean, { name: "", path: `/api/trpc/coupons.list?input=${q(LIST)}` }, alice);
      expect(r.status).toBe(200);
      const items = (JSON.parse(r.body) as { result: { data: { items: { id: string }[] } } }).result.data
        .items;
      expect(items).toHaveLength(5);
      const [paid] = await rows<{ status: string }>(
        handle.db,
        sql`SELECT status FROM orders WHERE id = ${order}`,
      );
      expect(paid?.status).toBe("Paid");
    });
    it("a client that goes away in the middle of its request body: the door settles, nothing is left waiting", async () => {
      let settled: Promise<string> | undefined;
      const server = await listen((req, res) => {
        const api = serveApi(req, res);
        if (api === false) res.writeHead(404).end();
        else
          settled = api.then(
            () => "answered",
            () => "settled",
          );
      });
      const { port } = server.address() as AddressInfo;
      const socket = connect(port, "127.0.0.1");
      await new Promise<void>((r) => socket.once("connect", () => r()));
      socket.write(
        "POST /api/trpc/orders.pay HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
          `Sec-Fetch-Site: same-origin\r\nCookie: ${SESSION_COOKIE}=${alice}\r\nContent-Length: 100\r\n\r\n{"orderId":`,
      );
      for (let i = 0; i < 100 && !settled; i++) await new Promise((r) => setTimeout(r, 10));
      socket.destroy();
      const outcome = await Promise.race([
        settled,
        new Promise((r) => setTimeout(() => r("still waiting"), 3000)),
      ]);
      expect(outcome).toBe("settled");
      server.close();
    });
  },
);
