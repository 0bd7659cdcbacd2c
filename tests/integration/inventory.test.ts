/**
 * The route/procedure inventory (issue 11, R-SEC-1, R-SEC-3, R-SEC-6): every tRPC procedure and
 * every route handler is classified public / authed / account-scoped / operator, and each entry
 * carries the call that probes it. For every entry, generically:
 *   - no session: anything but public answers UNAUTHORIZED / 401 and changes nothing;
 *   - cross-account: Alice (a customer outside the Acme enterprise) aims the call at Acme's or
 *     Bob's data: an operator entry is FORBIDDEN; any other answers an error that says no more
 *     than not found / not allowed, or an answer that holds nothing of another account.
 * The coverage test fails when a procedure or a route handler is added without an entry here.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as auditExport } from "@/app/api/audit/export/route";
import { POST as signInRoute } from "@/app/api/auth/sign-in/route";
import { POST as signOutRoute } from "@/app/api/auth/sign-out/route";
import { GET as billExport } from "@/app/api/bills/[id]/export/route";
import { GET as voucherExport } from "@/app/api/coupons/[id]/export/route";
import { GET as listExport } from "@/app/api/coupons/export/route";
import { type DatabaseHandle, rows } from "@/db/client";
import { ACCOUNTS, DEMO_PASSWORD } from "@/db/seed";
import { signIn } from "@/server/auth/session";
import { doorOf, type RouteHandler } from "@/server/http/route";
import { appRouter } from "@/server/trpc/root";
import { eachDriver, seededDatabase, testDatabases } from "../db";
import { generateArgs, key } from "../enterprise-helpers";
import { callerFor, callRoute, snapshot } from "../helpers";

const drivers = await testDatabases();

type Kind = "public" | "authed" | "account" | "operator";
type Caller = ReturnType<typeof callerFor>;
/** Another account's IDs, looked up in the seeded database. */
type Foreign = { acmeOrder: string; acmeBill: string; acmeNotice: number };
type Entry = { kind: Kind; call: (c: Caller, f: Foreign) => Promise<unknown> };

const ACME_VOUCHER = "CP-ACME-0100";
const BOB_VOUCHER = "CP-BOB0-0200";

/** Every procedure, classified, with a call aimed at data that is not Alice's where it takes an ID. */
const PROCEDURES: Record<string, Entry> = {
  "health.ping": { kind: "public", call: (c) => c.health.ping() },
  "me.preferences": { kind: "authed", call: (c) => c.me.preferences() },
  "me.update": { kind: "authed", call: (c) => c.me.update({ locale: "zh" }) },
  "catalog.products": { kind: "authed", call: (c) => c.catalog.products() },
  "coupons.accounts": { kind: "authed", call: (c) => c.coupons.accounts() },
  "coupons.shared": { kind: "authed", call: (c) => c.coupons.shared() },
  "coupons.list": { kind: "account", call: (c) => c.coupons.list({ accountId: ACCOUNTS.acme }) },
  "coupons.totals": { kind: "account", call: (c) => c.coupons.totals({ accountId: ACCOUNTS.bob }) },
  "coupons.get": { kind: "account", call: (c) => c.coupons.get({ id: ACME_VOUCHER }) },
  "coupons.history": { kind: "account", call: (c) => c.coupons.history({ id: BOB_VOUCHER }) },
  "coupons.series": { kind: "account", call: (c) => c.coupons.series({ id: ACME_VOUCHER }) },
  "operator.accounts": { kind: "operator", call: (c) => c.operator.accounts() },
  "operator.issue": {
    kind: "operator",
    call: (c) =>
      c.operator.issue({
        accountId: ACCOUNTS.acme,
        nominal: "1.00",
        effectiveFrom: "2026-01-01",
        expiresOn: "2099-12-31",
        idempotencyKey: key(),
      }),
  },
  "orders.list": { kind: "authed", call: (c) => c.orders.list({}) },
  "orders.create": {
    kind: "authed",
    call: (c) =>
      c.orders.create({
        productCode: "ecs",
        paymentType: "Subscription",
        transactionType: "New Purchase",
        amount: "10.00",
      }),
  },
  "orders.get": { kind: "account", call: (c, f) => c.orders.get({ id: f.acmeOrder }) },
  "orders.renew": { kind: "account", call: (c, f) => c.orders.renew({ id: f.acmeOrder }) },
  "orders.cancel": { kind: "account", call: (c, f) => c.orders.cancel({ id: f.acmeOrder }) },
  "orders.refundPreview": {
    kind: "account",
    call: (c, f) => c.orders.refundPreview({ orderId: f.acmeOrder, amount: "1.00" }),
  },
  "orders.paymentOptions": { kind: "account", call: (c, f) => c.orders.paymentOptions({ id: f.acmeOrder }) },
  "orders.pay": {
    kind: "account",
    call: (c, f) =>
      c.orders.pay({
        orderId: f.acmeOrder,
        couponId: ACME_VOUCHER,
        expectedDeductionMinor: 100,
        idempotencyKey: key(),
      }),
  },
  "orders.refund": {
    kind: "account",
    call: (c, f) => c.orders.refund({ orderId: f.acmeOrder, amount: "1.00", idempotencyKey: key() }),
  },
  "bills.accounts": { kind: "authed", call: (c) => c.bills.accounts() },
  "bills.list": { kind: "account", call: (c) => c.bills.list({ accountId: ACCOUNTS.acme }) },
  "bills.get": { kind: "account", call: (c, f) => c.bills.get({ id: f.acmeBill }) },
  "bills.recordUsage": {
    kind: "operator",
    call: (c) =>
      c.bills.recordUsage({
        accountId: ACCOUNTS.acme,
        productCode: "ecs",
        amount: "1.00",
        usageAt: "2026-11-02T00:00:00Z",
      }),
  },
  "bills.close": { kind: "operator", call: (c, f) => c.bills.close({ id: f.acmeBill }) },
  "bills.closeCycle": { kind: "operator", call: (c) => c.bills.closeCycle({ cycle: "2026-11" }) },
  "invoices.accounts": { kind: "authed", call: (c) => c.invoices.accounts() },
  "invoices.list": { kind: "account", call: (c) => c.invoices.list({ accountId: ACCOUNTS.acme }) },
  "enterprise.status": { kind: "authed", call: (c) => c.enterprise.status() },
  "enterprise.enable": { kind: "authed", call: (c) => c.enterprise.enable({}) },
  "enterprise.get": { kind: "account", call: (c) => c.enterprise.get() },
  "enterprise.invite": { kind: "account", call: (c) => c.enterprise.invite({ accountId: ACCOUNTS.bob }) },
  "enterprise.accept": { kind: "account", call: (c) => c.enterprise.accept({ enterpriseId: "ent-acme" }) },
  "enterprise.manage": { kind: "account", call: (c) => c.enterprise.manage({ accountId: ACCOUNTS.dave }) },
  "enterprise.unmanage": { kind: "account", call: (c) => c.enterprise.unmanage({ accountId: ACCOUNTS.bob }) },
  "enterprise.removeMember": {
    kind: "account",
    call: (c) => c.enterprise.removeMember({ accountId: ACCOUNTS.bob }),
  },
  "enterprise.grant": {
    kind: "account",
    call: (c) => c.enterprise.grant({ userId: "u-acme-finance", permission: "orders" }),
  },
  "enterprise.revoke": {
    kind: "account",
    call: (c) => c.enterprise.revoke({ userId: "u-acme-finance", permission: "quota_pool" }),
  },
  "enterprise.audit": { kind: "account", call: (c) => c.enterprise.audit({}) },
  "notifications.list": { kind: "authed", call: (c) => c.notifications.list({}) },
  "notifications.unreadCount": { kind: "authed", call: (c) => c.notifications.unreadCount() },
  "notifications.markRead": {
    kind: "account",
    call: (c, f) => c.notifications.markRead({ id: f.acmeNotice }),
  },
  "notifications.markAllRead": { kind: "authed", call: (c) => c.notifications.markAllRead() },
  "notifications.preference": { kind: "authed", call: (c) => c.notifications.preference() },
  "notifications.setPreference": {
    kind: "authed",
    call: (c) => c.notifications.setPreference({ emailDigest: "daily" }),
  },
  "coupons.forecast": { kind: "account", call: (c) => c.coupons.forecast({ accountId: ACCOUNTS.acme }) },
  "quotaPool.overview": { kind: "account", call: (c) => c.quotaPool.overview() },
  "quotaPool.movable": { kind: "account", call: (c) => c.quotaPool.movable() },
  "quotaPool.vouchers": { kind: "account", call: (c) => c.quotaPool.vouchers({}) },
  "quotaPool.moveIn": {
    kind: "account",
    call: (c) => c.quotaPool.moveIn({ couponId: ACME_VOUCHER, idempotencyKey: key() }),
  },
  "quotaPool.generate": {
    kind: "account",
    call: (c) => c.quotaPool.generate(generateArgs({ amount: "1.00" })),
  },
  "quotaPool.assign": {
    kind: "account",
    call: (c) => c.quotaPool.assign({ couponId: "CP-POOL-0102", accountIds: [ACCOUNTS.bob] }),
  },
  "quotaPool.reclaim": {
    kind: "account",
    call: (c) => c.quotaPool.reclaim({ couponId: "CP-POOL-0102", idempotencyKey: key() }),
  },
};

type RouteCall = (handle: DatabaseHandle, token: string | null, f: Foreign) => Promise<Response>;
type RouteEntry = { kind: Kind; handler: RouteHandler<never>; call: RouteCall };
const route = <P>(h: RouteHandler<P>) => h as unknown as RouteHandler<never>;

/** Every route handler ("file METHOD"), classified, with a request aimed at another account's data. */
const ROUTES: Record<string, RouteEntry> = {
  "auth/sign-in POST": {
    kind: "public",
    handler: route(signInRoute),
    call: (handle) =>
      callRoute(signInRoute, handle, "/api/auth/sign-in", {
        init: {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email: "bob@acme.example", password: "not-bobs" }),
        },
      }),
  },
  "auth/sign-out POST": {
    kind: "public",
    handler: route(signOutRoute),
    call: (handle) => callRoute(signOutRoute, handle, "/api/auth/sign-out", { init: { method: "POST" } }),
  },
  "coupons/[id]/export GET": {
    kind: "account",
    handler: route(voucherExport),
    call: (handle, token) =>
      callRoute(voucherExport, handle, `/api/coupons/${BOB_VOUCHER}/export`, {
        token,
        params: { id: BOB_VOUCHER },
      }),
  },
  "coupons/export GET": {
    kind: "account",
    handler: route(listExport),
    call: (handle, token) =>
      callRoute(listExport, handle, `/api/coupons/export?account=${ACCOUNTS.acme}`, { token }),
  },
  "bills/[id]/export GET": {
    kind: "account",
    handler: route(billExport),
    call: (handle, token, f) =>
      callRoute(billExport, handle, `/api/bills/${f.acmeBill}/export`, { token, params: { id: f.acmeBill } }),
  },
  "audit/export GET": {
    kind: "account",
    handler: route(auditExport),
    call: (handle, token) => callRoute(auditExport, handle, "/api/audit/export", { token }),
  },
};

/** The door kinds each classification may be built with. */
const DOORS: Record<Kind, string[]> = {
  public: ["public"],
  authed: ["authed"],
  account: ["authed", "account", "coupon"],
  operator: ["authed"],
};

const MARKERS = [
  ACCOUNTS.acme,
  ACCOUNTS.bob,
  ACCOUNTS.carol,
  ACCOUNTS.dave,
  "CP-ACME-",
  "CP-BOB0-",
  "pool-acme",
  "ent-acme",
];
const REFUSALS = [
  "NOT_FOUND",
  "FORBIDDEN",
  "BAD_REQUEST",
  "PRECONDITION_FAILED",
  "CONFLICT",
  "UNPROCESSABLE_CONTENT",
];

function routeKeys(): string[] {
  const dir = path.join(process.cwd(), "app", "api");
  const keys: string[] = [];
  for (const f of readdirSync(dir, { recursive: true }) as string[]) {
    if (path.basename(f) !== "route.ts") continue;
    const r = path.dirname(f).split(path.sep).join("/");
    if (r.startsWith("trpc/")) continue; // the procedures' endpoint: its procedures are listed above
    const src = readFileSync(path.join(dir, f), "utf8");
    for (const m of src.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)) keys.push(`${r} ${m[1]}`);
  }
  return keys.sort();
}

describe("R-SEC-1: the inventory classifies every procedure and route handler", () => {
  it("R-SEC-1: every tRPC procedure has a class and probes (add new procedures to PROCEDURES)", () => {
    const paths = Object.keys(
      (appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures,
    );
    expect(paths.sort()).toEqual(Object.keys(PROCEDURES).sort());
  });
  it("R-SEC-1: every route handler has a class and probes, and is built with a matching door", () => {
    expect(routeKeys()).toEqual(Object.keys(ROUTES).sort());
    for (const [k, e] of Object.entries(ROUTES)) {
      expect(DOORS[e.kind], `${k} is built with ${doorOf(e.handler)}`).toContain(doorOf(e.handler));
    }
  });
});

describe.each(eachDriver(drivers))("[%s] R-SEC-1 R-SEC-6 inventory probes", (_name, driver) => {
  let handle: DatabaseHandle;
  let foreign: Foreign;
  let aliceToken: string;

  beforeAll(async () => {
    handle = await seededDatabase(driver);
    const [o] = await rows<{ id: string }>(
      handle.db,
      sql`SELECT id FROM orders WHERE account_id = ${ACCOUNTS.acme} LIMIT 1`,
    );
    const [b] = await rows<{ id: string }>(
      handle.db,
      sql`SELECT id FROM bills WHERE account_id = ${ACCOUNTS.acme} LIMIT 1`,
    );
    // Expiry notices of the seeded world (R-NOTIFY-1): one of Acme's or Bob's is the foreign notice.
    await handle.db.execute(sql`SELECT expiry_scan(now())`);
    const [n] = await rows<{ id: string }>(
      handle.db,
      sql`SELECT id::text FROM expiry_notifications WHERE account_id IN (${ACCOUNTS.acme}, ${ACCOUNTS.bob}) LIMIT 1`,
    );
    foreign = {
      acmeOrder: o?.id ?? "ORD-MISSING",
      acmeBill: b?.id ?? "BILL-MISSING",
      acmeNotice: Number(n?.id ?? 999_999_999),
    };
    aliceToken = (await signIn(handle.db, "alice@example.com", DEMO_PASSWORD)) ?? "";
  });
  afterAll(() => driver.closeAll());

  it("R-SEC-1: no session: every procedure but the public ones is UNAUTHORIZED and changes nothing", async () => {
    const before = await snapshot(handle.db);
    for (const [p, e] of Object.entries(PROCEDURES)) {
      let code = "ok";
      try {
        await e.call(callerFor(handle, null), foreign);
      } catch (err) {
        code = (err as { code?: string }).code ?? "thrown";
      }
      if (e.kind === "public") expect(code, p).toBe("ok");
      else expect(code, p).toBe("UNAUTHORIZED");
    }
    expect(await snapshot(handle.db)).toEqual(before);
  });

  it("R-SEC-1: no session: every route handler but the public ones answers 401", async () => {
    for (const [k, e] of Object.entries(ROUTES)) {
      const res = await e.call(handle, null, foreign);
      // A public route answers on its own terms (sign-in: 401 for a wrong password), never a 500.
      if (e.kind === "public") expect(res.status, k).toBeLessThan(500);
      else expect(res.status, k).toBe(401);
    }
  });

  it("R-SEC-1 R-SEC-6: cross-account: Alice aiming at Acme's or Bob's data gets a refusal or nothing of theirs", async () => {
    for (const [p, e] of Object.entries(PROCEDURES)) {
      let answer: unknown;
      let code: string | undefined;
      try {
        answer = await e.call(callerFor(handle, "u-alice"), foreign);
      } catch (err) {
        code = (err as { code?: string }).code;
      }
      if (e.kind === "operator") {
        expect(code, p).toBe("FORBIDDEN");
      } else if (code !== undefined) {
        expect(REFUSALS, `${p}: ${code}`).toContain(code);
      } else {
        const text = JSON.stringify(answer ?? null);
        for (const m of MARKERS) expect(text, `${p} shows ${m} to Alice`).not.toContain(m);
      }
    }
  });

  it("R-SEC-1: cross-account: route handlers aimed at another account's data refuse, or answer nothing of theirs", async () => {
    for (const [k, e] of Object.entries(ROUTES)) {
      const res = await e.call(handle, aliceToken, foreign);
      const text = await res.text();
      // A refusal, or (a route with no ID: the audit of Alice's own enterprise) an answer of her own.
      expect([200, 303, 401, 403, 404], `${k}: ${res.status}`).toContain(res.status);
      if (e.kind !== "public" && k.includes("[id]")) expect([403, 404], k).toContain(res.status);
      for (const m of MARKERS) expect(text, `${k} shows ${m} to Alice`).not.toContain(m);
    }
  });
});
