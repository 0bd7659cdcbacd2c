/**
 * "All" accounts (R-LIST-5, R-ENT-3, R-ENT-4): the list, the totals and the CSV export read the
 * accounts the caller may see inside their own statements (server/auth/access.ts
 * viewableAccountIdsSql), so a grant, a revoke or a change of financial management shows on the
 * very next request, in all three alike (R-DET-3: the file is what the table shows).
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, rows } from "@/db/client";
import { ACCOUNTS, DEMO_PASSWORD, DEMO_USERS } from "@/db/seed";
import { signIn } from "@/server/auth/session";
import { createCaller } from "@/server/trpc/root";
import { GET as listExport } from "@/app/api/coupons/export/route";
import { eachDriver, seededDatabase, testDatabases } from "../db";
import { callerFor, callRoute, type DemoUserId, expectTRPCError, parseCsv, readAll } from "../helpers";

const drivers = await testDatabases();

describe.each(eachDriver(drivers))(
  '[%s] "All" accounts follow permissions and management',
  (_name, driver) => {
    let handle: DatabaseHandle;
    const as = (user: DemoUserId) => callerFor(handle, user);
    const owner = () => as("u-acme-admin");

    beforeAll(async () => {
      handle = await seededDatabase(driver);
    });
    afterAll(() => driver.closeAll());

    /** The oracle, straight from the table: the accounts' vouchers in the default order (issued desc). */
    async function vouchersOf(accounts: string[]): Promise<string[]> {
      const found = await rows<{ id: string }>(
        handle.db,
        sql`SELECT id FROM coupons WHERE account_id IN (${sql.join(
          accounts.map((a) => sql`${a}`),
          sql`, `,
        )}) ORDER BY issued_at DESC, id DESC`,
      );
      return found.map((r) => r.id);
    }

    /** The totals of the accounts, each read alone (the operator may view any one account). */
    async function totalsOf(accounts: string[]) {
      // The list counts add up; what can be spent does not (a voucher shared with two accounts is counted once).
      const sum = new Map<string, { listCount: number }>();
      for (const accountId of accounts) {
        for (const t of await as("u-operator").coupons.totals({ accountId })) {
          const s = sum.get(t.currency) ?? { listCount: 0 };
          s.listCount += t.listCount;
          sum.set(t.currency, s);
        }
      }
      return [...sum].sort(([a], [b]) => a.localeCompare(b)).map(([currency, s]) => ({ currency, ...s }));
    }

    /** A real session per user (signed in once per file). */
    const tokens = new Map<DemoUserId, string>();
    async function tokenOf(user: DemoUserId): Promise<string> {
      let token = tokens.get(user);
      if (!token) {
        const email = DEMO_USERS.find((u) => u.id === user)?.email ?? "";
        token = (await signIn(handle.db, email, DEMO_PASSWORD)) ?? "";
        tokens.set(user, token);
      }
      return token;
    }

    async function exportOf(user: DemoUserId, account: string) {
      return callRoute(listExport, handle, `/api/coupons/export?${new URLSearchParams({ account })}`, {
        token: await tokenOf(user),
      });
    }

    /**
     * coupons.list both ways: as the known user, and by the session cookie, where one statement
     * checks the session and the account (decision 009). Both must give the same page, or the same
     * error; the page (or that error) is returned.
     */
    type ListArgs = Parameters<ReturnType<typeof as>["coupons"]["list"]>[0];
    async function list(user: DemoUserId, input: ListArgs) {
      const settle = (p: Promise<unknown>) =>
        p.then(
          (value) => ({ value }),
          (e: { code?: string }) => ({ error: e, code: e.code }),
        );
      const known = await settle(as(user).coupons.list(input));
      const cookie = await settle(
        createCaller({ handle, sessionToken: await tokenOf(user) }).coupons.list(input),
      );
      if ("error" in known) {
        expect("code" in cookie ? cookie.code : "no error", `cookie path, ${user}`).toBe(known.code);
        throw known.error;
      }
      expect("value" in cookie ? cookie.value : cookie, `cookie path, ${user}`).toEqual(known.value);
      return known.value as Awaited<ReturnType<ReturnType<typeof as>["coupons"]["list"]>>;
    }

    /** What "All" shows the user on this request: every page of the table, the totals, the file's IDs. */
    async function allView(user: DemoUserId) {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await list(user, { accountId: "all", limit: 7, cursor });
        ids.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      const totals = (await as(user).coupons.totals({ accountId: "all" })).map((t) => ({
        currency: t.currency,
        listCount: t.listCount,
      }));
      const res = await exportOf(user, "all");
      expect(res.status).toBe(200);
      const text = (await readAll(res.body as ReadableStream<Uint8Array>)).toString("utf8");
      const [, ...csv] = parseCsv(text.replace(/^\uFEFF/, ""));
      return { ids, totals, exported: csv.map((r) => r[0]) };
    }

    /** "All" for the user is exactly the union of these accounts' vouchers, in the table, the totals and the file. */
    async function expectAll(user: DemoUserId, accounts: string[]) {
      const view = await allView(user);
      const expected = await vouchersOf(accounts);
      expect(expected.length).toBeGreaterThan(0);
      expect(view.ids).toEqual(expected);
      expect(view.exported).toEqual(expected);
      expect(view.totals).toEqual(await totalsOf(accounts));
      expect((await as(user).coupons.accounts()).map((a) => a.id).sort()).toEqual([...accounts].sort());
    }

    it('R-LIST-5 R-ENT-3 R-ENT-4 R-DET-3: "All" is exactly the union of the permitted accounts; a grant and a revoke apply on the next request', async () => {
      // Fay (finance) administers Acme but holds only Quota Pool: "All" is her own account.
      await expectAll("u-acme-finance", [ACCOUNTS.acme]);
      await expectTRPCError(list("u-acme-finance", { accountId: ACCOUNTS.bob }), "NOT_FOUND");

      await owner().enterprise.grant({ userId: "u-acme-finance", permission: "cards_and_coupons" });
      await expectAll("u-acme-finance", [ACCOUNTS.acme, ACCOUNTS.bob, ACCOUNTS.carol]);
      expect((await list("u-acme-finance", { accountId: ACCOUNTS.bob })).items.length).toBeGreaterThan(0);

      await owner().enterprise.revoke({ userId: "u-acme-finance", permission: "cards_and_coupons" });
      await expectAll("u-acme-finance", [ACCOUNTS.acme]);
      await expectTRPCError(list("u-acme-finance", { accountId: ACCOUNTS.bob }), "NOT_FOUND");
      await expectTRPCError(as("u-acme-finance").coupons.totals({ accountId: ACCOUNTS.carol }), "NOT_FOUND");
      expect((await exportOf("u-acme-finance", ACCOUNTS.bob)).status).toBe(404);
    });

    it("R-LIST-5 R-ENT-3 R-ENT-4 R-DET-3: an account taken into or out of financial management appears or disappears on the next request", async () => {
      await expectAll("u-acme-admin", [ACCOUNTS.acme, ACCOUNTS.bob, ACCOUNTS.carol]);
      await expectTRPCError(list("u-acme-admin", { accountId: ACCOUNTS.dave }), "NOT_FOUND");

      await owner().enterprise.manage({ accountId: ACCOUNTS.dave });
      await expectAll("u-acme-admin", [ACCOUNTS.acme, ACCOUNTS.bob, ACCOUNTS.carol, ACCOUNTS.dave]);

      await owner().enterprise.unmanage({ accountId: ACCOUNTS.bob });
      await expectAll("u-acme-admin", [ACCOUNTS.acme, ACCOUNTS.carol, ACCOUNTS.dave]);
      await expectTRPCError(list("u-acme-admin", { accountId: ACCOUNTS.bob }), "NOT_FOUND");
      expect((await exportOf("u-acme-admin", ACCOUNTS.bob)).status).toBe(404);
      expect((await list("u-acme-admin", { accountId: ACCOUNTS.dave })).items.length).toBeGreaterThan(0);
    });

    it('R-LIST-5 R-ENT-4: without any grant "All" is the own account; the operator must pick one account', async () => {
      await expectAll("u-alice", [ACCOUNTS.alice]);
      // An empty page is an empty page by either path, for the own account, "All" and a permitted one.
      for (const accountId of [undefined, "all", ACCOUNTS.carol]) {
        expect(await list("u-acme-admin", { accountId, q: "NO-SUCH-VOUCHER" })).toEqual({
          items: [],
          nextCursor: null,
        });
      }
      expect((await list("u-alice", {})).items.every((i) => i.accountId === ACCOUNTS.alice)).toBe(true);
      expect((await list("u-operator", { accountId: ACCOUNTS.alice })).items.length).toBeGreaterThan(0);
      await list("u-operator", {}); // the operator's own account: both paths agree
      await expectTRPCError(list("u-operator", { accountId: "all" }), "BAD_REQUEST");
      await expectTRPCError(as("u-operator").coupons.totals({ accountId: "all" }), "BAD_REQUEST");
      expect((await exportOf("u-operator", "all")).status).toBe(400);
    });
  },
);
