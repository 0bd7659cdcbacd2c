/**
 * Issue 11, found 2–4: hostile requests are refused as classes, in one place each, with a 4xx and
 * no change (R-SEC-2, R-SEC-3, R-SEC-5):
 *   - a NUL character in any string of a procedure's input (tRPC middleware) or of a route's URL (the door);
 *   - years 0000/0001 in typed dates, instants and forged cursors (dateString, the cursor decoder);
 *   - a path segment that does not percent-decode (the door);
 *   - CR/LF in sign-in's `next`; `next` that leaves the console (safeNextPath);
 *   - cross-site POSTs to the auth routes and tRPC, non-JSON tRPC mutations, batches over the cap.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as signInRoute } from "@/app/api/auth/sign-in/route";
import { POST as signOutRoute } from "@/app/api/auth/sign-out/route";
import { GET as voucherExport } from "@/app/api/coupons/[id]/export/route";
import { GET as listExport } from "@/app/api/coupons/export/route";
import { type DatabaseHandle, rows } from "@/db/client";
import { ACCOUNTS, DEMO_PASSWORD } from "@/db/seed";
import { signIn } from "@/server/auth/session";
import { safeNextPath } from "@/server/http/guard";
import { handleTrpc, MAX_BATCH_SIZE } from "@/server/http/trpc";
import { encodeCursor } from "@/server/vouchers/cursor";
import { eachDriver, seededDatabase, testDatabases } from "../db";
import { generateArgs, poolSnapshot } from "../enterprise-helpers";
import { callerFor, callRoute, type DemoUserId, demoUser, expectTRPCError, snapshot } from "../helpers";

const drivers = await testDatabases();

const ORIGIN = "http://localhost";

describe("R-SEC-3: sign-in's next is a path on this console after URL parsing", () => {
  it.each([
    ["/\\evil.example", "/coupons"],
    ["/\\t/evil.example", "/coupons"],
    ["//evil.example/x", "/coupons"],
    ["https://evil.example/", "/coupons"],
    ["/%5Cevil.example", "/%5Cevil.example"],
    ["javascript:alert(1)", "/coupons"],
    ["/coupons?tab=used#top", "/coupons?tab=used#top"],
    ["/orders", "/orders"],
  ])("R-SEC-3: next=%j redirects to %j", (raw, expected) => {
    expect(safeNextPath(raw, `${ORIGIN}/api/auth/sign-in`)).toBe(expected);
  });
  it.each(["/coupons\r\nSet-Cookie: x=1", "/a\nb", "/\t/evil.example", "/a\0"])(
    "R-SEC-3: next=%j (control characters) is a 400",
    (raw) => {
      expect(() => safeNextPath(raw, `${ORIGIN}/`)).toThrow(/not a valid address/);
    },
  );
});

describe.each(eachDriver(drivers))("[%s] hostile input and cross-site requests", (_name, driver) => {
  let handle: DatabaseHandle;
  const as = (u: DemoUserId) => callerFor(handle, u);
  const trpc = (url: string, init: RequestInit = {}, user: DemoUserId | null = "u-alice") =>
    handleTrpc(new Request(new URL(url, ORIGIN), init), async () => ({
      handle,
      sessionToken: undefined,
      user: user ? demoUser(user) : null,
    }));

  beforeAll(async () => {
    handle = await seededDatabase(driver);
  });
  afterAll(() => driver.closeAll());

  it("R-SEC-2: a NUL character in any text field, ID, key or filter is a 400 and changes nothing", async () => {
    const before = await snapshot(handle.db);
    const pool = await poolSnapshot(handle.db);
    const calls: [string, () => Promise<unknown>][] = [
      ["enterprise.enable", () => as("u-alice").enterprise.enable({ name: "Evil\0Corp" })],
      ["coupons.get", () => as("u-alice").coupons.get({ id: "CP-\0" })],
      ["coupons.list accountId", () => as("u-alice").coupons.list({ accountId: "\0" })],
      ["coupons.list cursor", () => as("u-alice").coupons.list({ cursor: "a\0" })],
      [
        "quotaPool.generate description",
        () => as("u-acme-admin").quotaPool.generate(generateArgs({ description: "x\0" })),
      ],
      [
        "quotaPool.generate key",
        () => as("u-acme-admin").quotaPool.generate(generateArgs({ idempotencyKey: "key-\0-0000" })),
      ],
      [
        "operator.issue",
        () =>
          as("u-operator").operator.issue({
            accountId: ACCOUNTS.alice,
            nominal: "1.00",
            effectiveFrom: "2020-01-01",
            expiresOn: "2099-12-31",
            description: "\0",
            idempotencyKey: "issue-nul-0001",
          }),
      ],
    ];
    for (const [what, call] of calls) {
      const e = await expectTRPCError(call, "BAD_REQUEST");
      expect(e.message, what).toMatch(/NUL|not valid|malformed|letters/i);
    }
    expect(await snapshot(handle.db)).toEqual(before);
    expect(await poolSnapshot(handle.db)).toEqual(pool);
  });

  it("R-SEC-2: years 0000 and 0001 in typed dates, instants and forged cursors are a 400", async () => {
    const before = await poolSnapshot(handle.db);
    for (const day of ["0000-01-01", "0001-01-01", "0099-12-31"]) {
      await expectTRPCError(
        as("u-acme-admin").quotaPool.generate(generateArgs({ effectiveFrom: day })),
        "BAD_REQUEST",
      );
      await expectTRPCError(
        as("u-operator").operator.issue({
          accountId: ACCOUNTS.alice,
          nominal: "1.00",
          effectiveFrom: day,
          expiresOn: "2099-12-31",
          idempotencyKey: `issue-${day}`,
        }),
        "BAD_REQUEST",
      );
    }
    await expectTRPCError(
      as("u-operator").bills.recordUsage({
        accountId: ACCOUNTS.alice,
        productCode: "ecs",
        amount: "1.00",
        usageAt: "0000-01-01T00:00:00Z",
      }),
      "BAD_REQUEST",
    );
    for (const v of ["0000-01-01 00:00:00+00", "0001-01-01 00:00:00+00", "0001-01-01T00:00:00Z"]) {
      await expectTRPCError(
        as("u-alice").coupons.list({ cursor: encodeCursor({ s: "issued:desc", v, id: "CP-X" }) }),
        "BAD_REQUEST",
      );
      await expectTRPCError(
        as("u-alice").orders.list({ cursor: encodeCursor({ s: "orders", v, id: "ORD-X" }) }),
        "BAD_REQUEST",
      );
      await expectTRPCError(
        as("u-alice").bills.list({ cursor: encodeCursor({ s: "bills", v, id: "BILL-X" }) }),
        "BAD_REQUEST",
      );
    }
    expect(await poolSnapshot(handle.db)).toEqual(before);
  });

  it("R-SEC-2: an export route with a bad %-encoding or a NUL in its address is a 400", async () => {
    const token = await signIn(handle.db, "alice@example.com", DEMO_PASSWORD);
    const badParams = Promise.reject(new URIError("URI malformed"));
    badParams.catch(() => {});
    const bad = await callRoute(voucherExport, handle, "/api/coupons/%E0%A4%A/export", {
      token,
      params: badParams as unknown as { id: string },
    });
    expect(bad.status).toBe(400);
    const nulPath = await callRoute(voucherExport, handle, "/api/coupons/CP-%00/export", {
      token,
      params: { id: "CP-\0" },
    });
    expect(nulPath.status).toBe(400);
    const nulQuery = await callRoute(listExport, handle, "/api/coupons/export?account=%00", { token });
    expect(nulQuery.status).toBe(400);
    expect(nulQuery.headers.get("cache-control")).toBe("no-store");
  });

  it("R-SEC-2 R-SEC-3: sign-in refuses CR/LF in next and a NUL in the email with a 400; next=/\\evil.example stays on the console", async () => {
    const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => {
      const body = new URLSearchParams(fields);
      return callRoute(signInRoute, handle, "/api/auth/sign-in", {
        init: {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
          body,
        },
      });
    };
    const good = { email: "alice@example.com", password: DEMO_PASSWORD };
    expect((await form({ ...good, next: "/coupons\r\nX: y" })).status).toBe(400);
    expect((await form({ ...good, email: "alice@example.com\0" })).status).toBe(400);
    for (const next of ["/\\evil.example", "/\\t/evil.example", "//evil.example"]) {
      const res = await form({ ...good, next });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/coupons");
    }
    const ok = await form({ ...good, next: "/orders?x=1" });
    expect(ok.headers.get("location")).toBe("/orders?x=1");
  });

  it("R-SEC-3: sign-in and sign-out refuse cross-site POSTs (Origin, Sec-Fetch-Site, Referer) and accept the console's own", async () => {
    const signInWith = (headers: Record<string, string>) =>
      callRoute(signInRoute, handle, "/api/auth/sign-in", {
        init: {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
          body: new URLSearchParams({ email: "alice@example.com", password: DEMO_PASSWORD }),
        },
      });
    for (const headers of <Record<string, string>[]>[
      { origin: "http://evil.example" },
      { origin: "http://localhost:3999" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { referer: "http://evil.example/page" },
    ]) {
      const res = await signInWith(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers.get("set-cookie")).toBeNull();
    }
    expect((await signInWith({ origin: ORIGIN })).status).toBe(303);
    expect((await signInWith({ "sec-fetch-site": "same-origin" })).status).toBe(303);

    const token = await signIn(handle.db, "alice@example.com", DEMO_PASSWORD);
    const live = async () =>
      (await rows(handle.db, sql`SELECT 1 FROM sessions WHERE expires_at > now()`)).length;
    const sessions = await live();
    const out = await callRoute(signOutRoute, handle, "/api/auth/sign-out", {
      token,
      init: { method: "POST", headers: { origin: "http://evil.example" } },
    });
    expect(out.status).toBe(403);
    expect(await live()).toBe(sessions);
    const ownOut = await callRoute(signOutRoute, handle, "/api/auth/sign-out", {
      token,
      init: { method: "POST", headers: { origin: ORIGIN } },
    });
    expect(ownOut.status).toBe(303);
  });

  it("R-SEC-3 R-SEC-5: tRPC mutations are JSON-only and same-origin; batches are capped; answers are no-store", async () => {
    const enterprise = async () =>
      (await rows(handle.db, sql`SELECT 1 FROM enterprises WHERE master_account_id = ${ACCOUNTS.alice}`))
        .length;
    const form = new FormData();
    form.set("name", "Forged Corp");
    const multipart = await trpc("/api/trpc/enterprise.enable", {
      method: "POST",
      headers: { origin: "http://evil.example" },
      body: form,
    });
    expect(multipart.status).toBe(415);
    const sameOriginForm = await trpc("/api/trpc/enterprise.enable", {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
      body: "name=Forged",
    });
    expect(sameOriginForm.status).toBe(415);
    const crossJson = await trpc("/api/trpc/enterprise.enable", {
      method: "POST",
      headers: { origin: "http://evil.example", "content-type": "application/json" },
      body: JSON.stringify({ name: "Forged Corp" }),
    });
    expect(crossJson.status).toBe(403);
    expect(await enterprise()).toBe(0);

    const own = await trpc("/api/trpc/enterprise.enable", {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({ name: "Alice Ventures" }),
    });
    expect(own.status).toBe(200);
    expect(own.headers.get("cache-control")).toBe("no-store");
    expect(await enterprise()).toBe(1);

    const batch = (n: number) =>
      trpc(
        `/api/trpc/${Array.from({ length: n }, () => "health.ping").join(",")}?batch=1&input=${encodeURIComponent("{}")}`,
      );
    expect((await batch(1000)).status).toBe(400);
    const fits = await batch(MAX_BATCH_SIZE);
    expect(fits.status).toBe(200);
    expect(fits.headers.get("cache-control")).toBe("no-store");
    const unauth = await trpc("/api/trpc/coupons.list?input=%7B%7D", {}, null);
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get("cache-control")).toBe("no-store");
  });
});
