/**
 * Permission matrix (R-SEC-1, R-ENT-3, R-POOL-*): every enterprise and pool procedure, and the
 * audit export route, for each kind of caller. Refusals change nothing; another enterprise's
 * data is "not found".
 */
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { ACCOUNTS, DEMO_PASSWORD } from "@/db/seed";
import { signIn } from "@/server/auth/session";
import type { SessionUser } from "@/server/auth/session";
import { GET as auditExport } from "@/app/api/audit/export/route";
import { appRouter } from "@/server/trpc/root";
import { eachDriver, seededDatabase, testDatabases } from "./db";
import {
  assertPoolConservation,
  callerAs,
  generateArgs,
  key,
  makeUser,
  poolSnapshot,
} from "./enterprise-helpers";
import { callerFor, callRoute, demoUser, parseCsv, readAll } from "./helpers";
import { assertLedgerInvariant } from "./invariants";

const drivers = await testDatabases();

const ACTORS = ["none", "alice", "noperm", "finance", "revoked", "operator", "bob", "admin"] as const;
type Actor = (typeof ACTORS)[number];
type Outcome = "ok" | TRPCError["code"];
type Caller = ReturnType<typeof callerAs>;
type Fresh = { acmeVoucher: () => Promise<string>; poolVoucher: () => Promise<string> };

const U = "UNAUTHORIZED";
const F = "FORBIDDEN";
const N = "NOT_FOUND";
const C = "CONFLICT";

/** One valid call per procedure, aimed at Acme's data where the procedure takes an ID. */
const CALLS: Record<string, (c: Caller, f: Fresh) => Promise<unknown>> = {
  "enterprise.status": (c) => c.enterprise.status(),
  "enterprise.enable": (c) => c.enterprise.enable({}),
  "enterprise.get": (c) => c.enterprise.get(),
  "enterprise.invite": (c) => c.enterprise.invite({ accountId: "5000000000000903" }),
  "enterprise.accept": (c) => c.enterprise.accept({ enterpriseId: "ent-acme" }),
  "enterprise.manage": (c) => c.enterprise.manage({ accountId: ACCOUNTS.dave }),
  "enterprise.unmanage": (c) => c.enterprise.unmanage({ accountId: ACCOUNTS.dave }),
  "enterprise.removeMember": (c) => c.enterprise.removeMember({ accountId: ACCOUNTS.dave }),
  "enterprise.grant": (c) => c.enterprise.grant({ userId: "u-acme-finance", permission: "orders" }),
  "enterprise.revoke": (c) => c.enterprise.revoke({ userId: "u-acme-finance", permission: "orders" }),
  "enterprise.audit": (c) => c.enterprise.audit({}),
  "quotaPool.overview": (c) => c.quotaPool.overview(),
  "quotaPool.movable": (c) => c.quotaPool.movable(),
  "quotaPool.vouchers": (c) => c.quotaPool.vouchers({}),
  "quotaPool.moveIn": async (c, f) =>
    c.quotaPool.moveIn({ couponId: await f.acmeVoucher(), idempotencyKey: key() }),
  "quotaPool.generate": (c) => c.quotaPool.generate(generateArgs({ amount: "1.00" })),
  "quotaPool.assign": async (c, f) =>
    c.quotaPool.assign({ couponId: await f.poolVoucher(), accountIds: [ACCOUNTS.bob] }),
  "quotaPool.reclaim": async (c, f) =>
    c.quotaPool.reclaim({ couponId: await f.poolVoucher(), idempotencyKey: key() }),
};

/**
 * The expected answer per caller. alice owns another enterprise (so her reads are of her own
 * enterprise, and Acme's IDs are not found); noperm is an Acme administrator with no permission;
 * finance holds Quota Pool but is not the owner; revoked is finance a moment after the owner
 * revoked Quota Pool; bob is a member account. The admin column runs last, in this order.
 */
const EXPECT: Record<string, Record<Actor, Outcome>> = {
  "enterprise.status": {
    none: U,
    alice: "ok",
    noperm: "ok",
    finance: "ok",
    revoked: "ok",
    operator: "ok",
    bob: "ok",
    admin: "ok",
  },
  "enterprise.enable": {
    none: U,
    alice: C,
    noperm: C,
    finance: C,
    revoked: C,
    operator: F,
    bob: C,
    admin: C,
  },
  "enterprise.get": {
    none: U,
    alice: "ok",
    noperm: "ok",
    finance: "ok",
    revoked: "ok",
    operator: F,
    bob: F,
    admin: "ok",
  },
  "enterprise.invite": {
    none: U,
    alice: "ok",
    noperm: F,
    finance: F,
    revoked: F,
    operator: F,
    bob: F,
    admin: "ok",
  },
  "enterprise.accept": {
    none: U,
    alice: N,
    noperm: N,
    finance: N,
    revoked: N,
    operator: N,
    bob: N,
    admin: N,
  },
  "enterprise.manage": {
    none: U,
    alice: N,
    noperm: F,
    finance: F,
    revoked: F,
    operator: F,
    bob: F,
    admin: "ok",
  },
  "enterprise.unmanage": {
    none: U,
    alice: N,
    noperm: F,
    finance: F,
    revoked: F,
    operator: F,
    bob: F,
    admin: "ok",
  },
  "enterprise.removeMember": {
    none: U,
    alice: N,
    noperm: F,
    finance: F,
    revoked: F,
    operator: F,
    bob: F,
    admin: "ok",
  },
  "enterprise.grant": {
    none: U,
    alice: N,
    noperm: F,
    finance: F,
    revoked: F,
    operator: F,
    bob: F,
    admin: "ok",
  },
  "enterprise.revoke": {
    none: U,
    alice: N,
    noperm: F,
    finance: F,
    revoked: F,
    operator: F,
    bob: F,
    admin: "ok",
  },
  "enterprise.audit": {
    none: U,
    alice: "ok",
    noperm: F,
    finance: "ok",
    revoked: F,
    operator: F,
    bob: F,
    admin: "ok",
  },
  "quotaPool.overview": {
    none: U,
    alice: "ok",
    noperm: F,
    finance: "ok",
    revoked: F,
    operator: F,
    bob: F,
    admin: "ok",
  },
  "quotaPool.movable": {
    none: U,
    alice: "ok",
    noperm: F,
    finance: "ok",
    revoked: F,
    operator: F,
    bob: F,
    admin: "ok",
  },
  "quotaPool.vouchers": {
    none: U,
    alice: "ok",
    noperm: F,
    finance: "ok",
    revoked: F,
    operator: F,
    bob: F,
    admin: "ok",
  },
  "quotaPool.moveIn": {
    none: U,
    alice: N,
    noperm: F,
    finance: "ok",
    revoked: F,
    operator: F,
    bob: F,
    admin: "ok",
  },
  "quotaPool.generate": {
    none: U,
    alice: "ok",
    noperm: F,
    finance: "ok",
    revoked: F,
    operator: F,
    bob: F,
    admin: "ok",
  },
  "quotaPool.assign": {
    none: U,
    alice: N,
    noperm: F,
    finance: "ok",
    revoked: F,
    operator: F,
    bob: F,
    admin: "ok",
  },
  "quotaPool.reclaim": {
    none: U,
    alice: N,
    noperm: F,
    finance: "ok",
    revoked: F,
    operator: F,
    bob: F,
    admin: "ok",
  },
};

const EXPORT_STATUS: Record<Actor, number> = {
  none: 401,
  alice: 200,
  noperm: 403,
  finance: 200,
  revoked: 403,
  operator: 403,
  bob: 403,
  admin: 200,
};

/** Strings that would betray Acme's data in another enterprise's answer. */
const ACME_MARKERS = [
  "ent-acme",
  "pool-acme-usd",
  "CP-POOL-0102",
  "CP-ACME-0100",
  ACCOUNTS.bob,
  ACCOUNTS.acme,
];

describe("R-SEC-1: the matrix covers every enterprise and quotaPool procedure", () => {
  it("R-SEC-1: CALLS lists exactly the enterprise.* and quotaPool.* procedures", () => {
    const paths = Object.keys(
      (appRouter as unknown as { _def: { procedures: Record<string, unknown> } })._def.procedures,
    );
    expect(paths.filter((p) => /^(enterprise|quotaPool)\./.test(p)).sort()).toEqual(
      Object.keys(CALLS).sort(),
    );
  });
});

describe.each(eachDriver(drivers))("[%s] enterprise and pool permission matrix", (_name, driver) => {
  let handle: DatabaseHandle;
  let alice: SessionUser;
  let noperm: SessionUser;
  const users: Partial<Record<Actor, SessionUser | null>> = {};
  const caller = (a: Actor) =>
    callerAs(handle, a === "revoked" ? (users.finance ?? null) : (users[a] ?? null));
  const owner = () => callerFor(handle, "u-acme-admin");
  const fresh: Fresh = {
    acmeVoucher: async () =>
      (
        await callerFor(handle, "u-operator").operator.issue({
          accountId: ACCOUNTS.acme,
          nominal: "3.00",
          effectiveFrom: "2020-01-01",
          expiresOn: "2099-12-31",
          idempotencyKey: key(),
        })
      ).id,
    poolVoucher: async () =>
      (await owner().quotaPool.generate(generateArgs({ amount: "2.00" }))).ids[0] ?? "",
  };
  /** "revoked": the owner revokes finance's Quota Pool right before the call, and grants it back after. */
  async function asActor<T>(a: Actor, run: () => Promise<T>): Promise<T> {
    if (a !== "revoked") return run();
    await owner().enterprise.revoke({ userId: "u-acme-finance", permission: "quota_pool" });
    try {
      return await run();
    } finally {
      await owner().enterprise.grant({ userId: "u-acme-finance", permission: "quota_pool" });
    }
  }

  beforeAll(async () => {
    handle = await seededDatabase(driver);
    noperm = await makeUser(handle.db, {
      userId: "u-test-noperm",
      email: "noperm@acme.example",
      accountId: ACCOUNTS.acme,
      accountName: "Acme Admin Without Permissions",
    });
    const eve = await makeUser(
      handle.db,
      {
        userId: "u-test-eve",
        email: "eve@example.test",
        accountId: "5000000000000901",
        accountName: "Eve Test",
      },
      { newAccount: true },
    );
    await makeUser(
      handle.db,
      {
        userId: "u-test-gina",
        email: "gina@example.test",
        accountId: "5000000000000903",
        accountName: "Gina Test",
      },
      { newAccount: true },
    );
    // Alice's own enterprise, managing Eve, with a funded pool.
    const a = callerFor(handle, "u-alice");
    const ent = await a.enterprise.enable({ name: "Alice Ventures" });
    await a.enterprise.invite({ accountId: eve.accountId });
    await callerAs(handle, eve).enterprise.accept({ enterpriseId: ent.id });
    await a.enterprise.manage({ accountId: eve.accountId });
    await a.quotaPool.moveIn({ couponId: "CP-CAMP-0014", idempotencyKey: key() });
    alice = demoUser("u-alice");
    users.none = null;
    users.alice = alice;
    users.noperm = noperm;
    users.finance = demoUser("u-acme-finance");
    users.operator = demoUser("u-operator");
    users.bob = demoUser("u-bob");
    users.admin = demoUser("u-acme-admin");
  });
  afterAll(() => driver.closeAll());

  for (const actor of ACTORS) {
    it(`R-SEC-1 R-ENT-3 R-POOL-1..5: ${actor} gets exactly the expected answer from every procedure`, async () => {
      for (const [path, call] of Object.entries(CALLS)) {
        const expected = EXPECT[path]?.[actor];
        const before = await poolSnapshot(handle.db);
        let result: unknown;
        let error: unknown;
        await asActor(actor, async () => {
          try {
            result = await call(caller(actor), fresh);
          } catch (e) {
            error = e;
          }
        });
        if (expected === "ok") {
          expect(error, `${actor} ${path}: ${String(error)}`).toBeUndefined();
          if (actor === "alice") {
            const text = JSON.stringify(result);
            for (const m of ACME_MARKERS) expect(text, `${path} leaks ${m} to alice`).not.toContain(m);
          }
        } else {
          expect(error, `${actor} ${path} should fail with ${expected}`).toBeInstanceOf(TRPCError);
          expect((error as TRPCError).code, `${actor} ${path}: ${(error as Error).message}`).toBe(expected);
          // The fresh vouchers made for the call are the only difference a refusal leaves.
          if (
            !["quotaPool.moveIn", "quotaPool.assign", "quotaPool.reclaim"].includes(path) &&
            actor !== "revoked"
          ) {
            expect(await poolSnapshot(handle.db), `${actor} ${path} changed something`).toEqual(before);
          }
        }
        if (expected === N && actor === "alice") {
          expect((error as TRPCError).message).toMatch(/not found/i);
        }
      }
      await assertPoolConservation(handle);
      await assertLedgerInvariant(handle);
    });
  }

  it("R-POOL-5 R-SEC-1: the audit export route answers each caller as the audit procedure does", async () => {
    const emails: Record<Exclude<Actor, "none" | "revoked">, string> = {
      alice: "alice@example.com",
      noperm: "noperm@acme.example",
      finance: "finance@acme.example",
      operator: "operator@example.com",
      bob: "bob@acme.example",
      admin: "admin@acme.example",
    };
    for (const actor of ACTORS) {
      const email = actor === "none" ? null : emails[actor === "revoked" ? "finance" : actor];
      const token = email ? ((await signIn(handle.db, email, DEMO_PASSWORD)) ?? undefined) : undefined;
      const res = await asActor(actor, () => callRoute(auditExport, handle, "/api/audit/export", { token }));
      expect(res.status, `${actor}`).toBe(EXPORT_STATUS[actor]);
      if (res.status !== 200) {
        expect(res.headers.get("content-type")).toMatch(/json/);
        continue;
      }
      expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
      const text = (await readAll(res.body as ReadableStream<Uint8Array>)).toString("utf8");
      expect(text.startsWith("\uFEFF")).toBe(true);
      const csv = parseCsv(text.slice(1));
      expect(csv[0]).toEqual([
        "Time",
        "Actor",
        "Action",
        "Target Type",
        "Target",
        "Before",
        "After",
        "Details",
        "Description",
      ]);
      if (actor === "alice") {
        for (const m of ACME_MARKERS) expect(text).not.toContain(m);
        expect(csv.map((r) => r[2])).toContain("pool.move_in");
      } else {
        const seeded = csv.find((r) => r[2] === "pool.generate" && r[4] === "CP-POOL-0102");
        expect(seeded?.slice(5, 7)).toEqual(["6000.00", "4000.00"]);
        // The sentence beside the machine columns (R-UX-2).
        expect(seeded?.[8]).toBe("Generated voucher CP-POOL-0102 of $2,000.00.");
        expect(csv.slice(1).every((r) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/.test(r[0] ?? ""))).toBe(
          true,
        );
      }
    }
    // An unknown or expired session is the same as none.
    expect(
      (await callRoute(auditExport, handle, "/api/audit/export", { token: "not-a-session" })).status,
    ).toBe(401);
  });
});
