/**
 * The route handlers under app/api go through one door (server/http/route.ts, decision 011): the
 * same session lookup, account scope and voucher check as the tRPC procedures, and one JSON error
 * shape. Every handler is called here through its door on PGlite and PostgreSQL, with no session, a
 * dead one, and as callers who may not see what they ask for; a coverage test fails when a route
 * handler is added without the door or without an entry here.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as auditExport } from "@/app/api/audit/export/route";
import { GET as billExport } from "@/app/api/bills/[id]/export/route";
import { POST as signInRoute } from "@/app/api/auth/sign-in/route";
import { POST as signOutRoute } from "@/app/api/auth/sign-out/route";
import { GET as voucherExport } from "@/app/api/coupons/[id]/export/route";
import { GET as listExport } from "@/app/api/coupons/export/route";
import { type DatabaseHandle, rows } from "@/db/client";
import { ACCOUNTS, DEMO_PASSWORD, DEMO_USERS } from "@/db/seed";
import { SESSION_COOKIE } from "@/server/auth/session";
import { DomainError, notFound } from "@/server/errors";
import type { ErrorBody } from "@/server/http/errors";
import { doorOf, errorToResponse } from "@/server/http/route";
import { eachDriver, seededDatabase, testDatabases } from "../db";
import { callerFor, callRoute, type DemoUserId, expectTRPCError, readAll } from "../helpers";

const drivers = await testDatabases();

const API_DIR = path.join(process.cwd(), "app", "api");
const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/** Every route.ts under app/api, as "coupons/[id]/export" (tRPC's own handler left out: it has the procedures' ladder). */
function routeFiles(): string[] {
  return (readdirSync(API_DIR, { recursive: true }) as string[])
    .filter((f) => path.basename(f) === "route.ts")
    .map((f) => path.dirname(f).split(path.sep).join("/"))
    .filter((r) => !r.startsWith("trpc/"))
    .sort();
}

/** The routes that need a session, each with a call the Acme owner (u-acme-admin) may make. */
type Call = (handle: DatabaseHandle, token: string | null) => Promise<Response>;
const PROTECTED: Record<string, Call> = {
  "coupons/[id]/export": (handle, token) =>
    callRoute(voucherExport, handle, "/api/coupons/CP-BOB0-0200/export", {
      token,
      params: { id: "CP-BOB0-0200" },
    }),
  "coupons/export": (handle, token) =>
    callRoute(listExport, handle, `/api/coupons/export?account=${ACCOUNTS.bob}`, { token }),
  "audit/export": (handle, token) => callRoute(auditExport, handle, "/api/audit/export", { token }),
  "bills/[id]/export": async (handle, token) => {
    const [bill] = await rows<{ id: string }>(
      handle.db,
      sql`SELECT id FROM bills WHERE account_id = ${ACCOUNTS.acme} ORDER BY cycle DESC LIMIT 1`,
    );
    const id = bill?.id ?? "BILL-MISSING";
    return callRoute(billExport, handle, `/api/bills/${id}/export`, { token, params: { id } });
  },
};
const PUBLIC = ["auth/sign-in", "auth/sign-out"];

describe("the door: every route handler under app/api is built with server/http/route.ts", () => {
  it("R-SEC-1: the route files are exactly the ones tested here (add new routes to PROTECTED)", () => {
    expect(routeFiles()).toEqual([...Object.keys(PROTECTED), ...PUBLIC].sort());
  });

  it.each(routeFiles())("R-SEC-1: every handler of app/api/%s comes through the door", async (route) => {
    const mod = (await import(/* @vite-ignore */ path.join(API_DIR, route, "route.ts"))) as Record<
      string,
      unknown
    >;
    const methods = Object.keys(mod).filter((k) => HTTP_METHODS.includes(k));
    expect(methods.length, `${route} exports no handler`).toBeGreaterThan(0);
    for (const method of methods) {
      const kind = doorOf(mod[method]);
      expect(kind, `${method} /api/${route} is not built with a door of server/http/route.ts`).not.toBeNull();
      if (!PUBLIC.includes(route)) expect(kind, `${method} /api/${route} needs a session`).not.toBe("public");
    }
    // Only the door learns who is calling: no route reads the cookie or the session itself.
    const text = readFileSync(path.join(API_DIR, route, "route.ts"), "utf8");
    for (const own of [
      "getSessionUser",
      "sessionUser(",
      "canViewAccount",
      "resolveAccountScope",
      "appDatabase",
    ]) {
      expect(text, `app/api/${route} uses ${own}`).not.toContain(own);
    }
    if (route !== "auth/sign-out") expect(text).not.toContain("readSessionCookie");
  });
});

describe("the door's error answers", () => {
  it("R-SEC-2: a domain error keeps its status and message; anything unexpected is a 500 with a fixed sentence and no stack", async () => {
    const missing = errorToResponse(notFound("Voucher"), "/test");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: {
        code: "NOT_FOUND",
        message: "Voucher not found",
        domainCode: "NOT_FOUND",
        reason: "NOT_FOUND",
        params: { what: "voucher" },
      },
    });
    expect(errorToResponse(new DomainError("INVALID_INPUT", "Bad"), "/test").status).toBe(400);
    expect(errorToResponse(new DomainError("PERMISSION_REQUIRED", "Ask"), "/test").status).toBe(403);

    const error = console.error;
    console.error = () => {};
    try {
      const boom = errorToResponse(new Error('relation "secret_table" does not exist'), "/test");
      expect(boom.status).toBe(500);
      const text = await boom.text();
      expect(text).not.toMatch(/secret_table|at .*\.ts|Error:/);
      expect(JSON.parse(text)).toEqual({
        error: {
          code: "INTERNAL_SERVER_ERROR",
          message: "Something went wrong on our side. Nothing was changed; please try again.",
        },
      });
    } finally {
      console.error = error;
    }
  });
});

describe.each(eachDriver(drivers))("[%s] route handlers through the door", (_name, driver) => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await seededDatabase(driver);
  });
  afterAll(() => driver.closeAll());

  /** Signs in through the sign-in route (JSON) and returns the session cookie's token. */
  async function signIn(user: DemoUserId): Promise<string> {
    const email = DEMO_USERS.find((u) => u.id === user)?.email ?? "";
    const res = await callRoute(signInRoute, handle, "/api/auth/sign-in", {
      init: {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password: DEMO_PASSWORD }),
      },
    });
    expect(res.status).toBe(200);
    const token = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(res.headers.get("set-cookie") ?? "")?.[1];
    expect(token).toBeTruthy();
    return token ?? "";
  }

  /** A successful CSV answer; the body is read to the end (a PostgreSQL export holds a connection until then). */
  async function expectCsv(res: Response, what: string): Promise<string> {
    expect(res.status, what).toBe(200);
    expect(res.headers.get("content-type"), what).toBe("text/csv; charset=utf-8");
    return (await readAll(res.body as ReadableStream<Uint8Array>)).toString("utf8");
  }

  /** An error answer in the door's shape; returns the body. */
  async function expectError(res: Response, status: number, what: string): Promise<ErrorBody> {
    expect(res.status, what).toBe(status);
    expect(res.headers.get("content-type"), what).toMatch(/^application\/json/);
    const body = (await res.json()) as ErrorBody;
    expect(Object.keys(body), what).toEqual(["error"]);
    expect(typeof body.error.code, what).toBe("string");
    expect(body.error.message.length, what).toBeGreaterThan(0);
    expect(JSON.stringify(body), what).not.toMatch(/\n\s+at |\.ts:\d/);
    return body;
  }

  const unauthenticated = { error: { code: "UNAUTHORIZED", message: "Please sign in." } };

  it.each(Object.keys(PROTECTED))(
    "R-SEC-1: %s refuses no session and an unknown session (401)",
    async (route) => {
      const call = PROTECTED[route] as Call;
      expect(await expectError(await call(handle, null), 401, `${route} without a cookie`)).toEqual(
        unauthenticated,
      );
      expect(
        await expectError(await call(handle, "not-a-session"), 401, `${route} with a bogus cookie`),
      ).toEqual(unauthenticated);
    },
  );

  it("R-SEC-1: every protected route answers a live session, then 401 once it has expired", async () => {
    const token = await signIn("u-acme-admin");
    for (const [route, call] of Object.entries(PROTECTED)) await expectCsv(await call(handle, token), route);
    await handle.db.execute(
      sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = 'u-acme-admin'`,
    );
    for (const [route, call] of Object.entries(PROTECTED)) {
      expect(await expectError(await call(handle, token), 401, `${route} after expiry`)).toEqual(
        unauthenticated,
      );
    }
  });

  it("R-SEC-1: after sign-out (through the sign-out route) every protected route answers 401", async () => {
    const token = await signIn("u-acme-admin");
    for (const [route, call] of Object.entries(PROTECTED)) await expectCsv(await call(handle, token), route);
    const out = await callRoute(signOutRoute, handle, "/api/auth/sign-out", {
      token,
      init: { method: "POST" },
    });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toContain(`${SESSION_COOKIE}=;`);
    for (const [route, call] of Object.entries(PROTECTED)) {
      expect(await expectError(await call(handle, token), 401, `${route} after sign-out`)).toEqual(
        unauthenticated,
      );
    }
  });

  it("R-SEC-2 R-DET-2: another account's voucher is 404 with the same body as a voucher that does not exist, as in coupons.get", async () => {
    const get = async (user: DemoUserId, id: string) =>
      callRoute(voucherExport, handle, `/api/coupons/${id}/export`, {
        token: await signIn(user),
        params: { id },
      });
    const missing = await expectError(await get("u-alice", "CP-ZZZZ-ZZZZ"), 404, "missing voucher");
    expect(missing).toEqual({
      error: {
        code: "NOT_FOUND",
        message: "Voucher not found",
        domainCode: "NOT_FOUND",
        reason: "NOT_FOUND",
        params: { what: "voucher" },
      },
    });
    for (const [user, id] of [
      ["u-alice", "CP-BOB0-0200"],
      ["u-alice", "cp-bob0-0200"],
      ["u-alice", "CP-ACME-0101"],
      ["u-alice", "CP-POOL-0102"],
      ["u-dave", "CP-POOL-0102"], // shared with Bob and Carol, not with Dave
      ["u-bob", "CP-ACME-0101"], // sharing a voucher grants that voucher, not the owner's account
      ["u-acme-admin", "CP-DAVE-0400"], // a member the enterprise does not manage
    ] as const) {
      expect(await expectError(await get(user, id), 404, `${user} ${id}`)).toEqual(missing);
      // The procedure says the same through the same check (couponProcedure).
      const e = await expectTRPCError(callerFor(handle, user).coupons.get({ id }), "NOT_FOUND");
      expect(e.message).toBe(missing.error.message);
    }
    // Those who may see it get the file: owner, shared-with, administrator, operator.
    for (const [user, id] of [
      ["u-bob", "CP-BOB0-0200"],
      ["u-bob", "CP-POOL-0102"],
      ["u-carol", "CP-POOL-0102"],
      ["u-acme-admin", "CP-BOB0-0200"],
      ["u-operator", "CP-DAVE-0400"],
    ] as const) {
      const text = await expectCsv(await get(user, id), `${user} ${id}`);
      expect(text.startsWith("\uFEFFTime,")).toBe(true);
    }
  });

  it("R-SEC-2: a malformed voucher ID is 400, not a server error", async () => {
    const token = await signIn("u-alice");
    for (const id of ["CP 7Q2M", "x".repeat(41), "CP-';DROP"]) {
      const body = await expectError(
        await callRoute(voucherExport, handle, `/api/coupons/${encodeURIComponent(id)}/export`, {
          token,
          params: { id },
        }),
        400,
        id,
      );
      expect(body.error.code).toBe("BAD_REQUEST");
    }
  });

  it("R-SEC-2 R-DET-3 R-ENT-3: another account's list export is 404 with the same body as an account that does not exist", async () => {
    const token = await signIn("u-alice");
    const get = (account: string, t = token) =>
      callRoute(listExport, handle, `/api/coupons/export?account=${account}`, { token: t });
    const missing = await expectError(await get("9999999999999999"), 404, "missing account");
    expect(missing.error).toEqual({
      code: "NOT_FOUND",
      message: "Account not found",
      domainCode: "NOT_FOUND",
      reason: "NOT_FOUND",
      params: { what: "account" },
    });
    for (const account of [ACCOUNTS.bob, ACCOUNTS.acme, ACCOUNTS.dave, ACCOUNTS.operator]) {
      expect(await expectError(await get(account), 404, account)).toEqual(missing);
    }
    await expectCsv(await get(ACCOUNTS.alice), "own account");
    // Bad filter: 400, same shape; the operator must pick one account rather than "all".
    const bad = await callRoute(listExport, handle, "/api/coupons/export?status=bogus", { token });
    expect((await expectError(bad, 400, "bad filter")).error.code).toBe("BAD_REQUEST");
    const operatorAll = await get("all", await signIn("u-operator"));
    expect((await expectError(operatorAll, 400, "operator all")).error.code).toBe("BAD_REQUEST");
  });

  it("R-ENT-3: revoking the administrator's Cards and Coupons permission closes both exports at once (404, same session)", async () => {
    const token = await signIn("u-acme-admin");
    const voucher = () =>
      callRoute(voucherExport, handle, "/api/coupons/CP-BOB0-0200/export", {
        token,
        params: { id: "CP-BOB0-0200" },
      });
    const list = () =>
      callRoute(listExport, handle, `/api/coupons/export?account=${ACCOUNTS.bob}`, { token });
    await expectCsv(await voucher(), "before the revoke");
    await expectCsv(await list(), "before the revoke");
    const missingVoucher = await expectError(
      await callRoute(voucherExport, handle, "/api/coupons/CP-ZZZZ-ZZZZ/export", {
        token,
        params: { id: "CP-ZZZZ-ZZZZ" },
      }),
      404,
      "missing",
    );
    const missingAccount = await expectError(
      await callRoute(listExport, handle, "/api/coupons/export?account=9999999999999999", { token }),
      404,
      "missing",
    );
    await handle.db.execute(
      sql`UPDATE admin_permissions SET revoked = true WHERE user_id = 'u-acme-admin' AND permission = 'cards_and_coupons'`,
    );
    try {
      expect(await expectError(await voucher(), 404, "voucher after the revoke")).toEqual(missingVoucher);
      expect(await expectError(await list(), 404, "list after the revoke")).toEqual(missingAccount);
      // The own account stays visible.
      await expectCsv(
        await callRoute(voucherExport, handle, "/api/coupons/CP-ACME-0101/export", {
          token,
          params: { id: "CP-ACME-0101" },
        }),
        "own voucher",
      );
    } finally {
      await handle.db.execute(
        sql`UPDATE admin_permissions SET revoked = false WHERE user_id = 'u-acme-admin'`,
      );
    }
    await expectCsv(await voucher(), "after the grant is back");
  });

  it("R-SEC-1: the audit export refuses those who may not read the audit log with the audit procedure's answer", async () => {
    for (const user of ["u-bob", "u-operator"] as const) {
      const res = await callRoute(auditExport, handle, "/api/audit/export", { token: await signIn(user) });
      const body = await expectError(res, 403, user);
      const e = await expectTRPCError(callerFor(handle, user).enterprise.audit({}), "FORBIDDEN");
      expect(body.error.message).toBe(e.message);
    }
  });

  it("R-SEC-2: sign-in answers bad requests and wrong passwords in the same error shape", async () => {
    const post = (body: string) =>
      callRoute(signInRoute, handle, "/api/auth/sign-in", {
        init: { method: "POST", headers: { "content-type": "application/json" }, body },
      });
    expect((await expectError(await post("{not json"), 400, "malformed")).error).toEqual({
      code: "BAD_REQUEST",
      message: "Send an email and a password.",
    });
    expect(
      (
        await expectError(
          await post(JSON.stringify({ email: "alice@example.com", password: "wrong" })),
          401,
          "wrong",
        )
      ).error,
    ).toEqual({ code: "UNAUTHORIZED", message: "Wrong email or password." });
  });
});
