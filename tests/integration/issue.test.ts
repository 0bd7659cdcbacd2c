import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, rows } from "@/db/client";
import { ACCOUNTS } from "@/db/seed";
import type { IssueInput } from "@/server/vouchers/schema";
import { eachDriver, seededDatabase, testDatabases } from "../db";
import { callerFor, expectTRPCError, snapshot } from "../helpers";
import { assertLedgerInvariant } from "../invariants";

const drivers = await testDatabases();

let keySeq = 0;
const newKey = () => `issue-test-${process.pid}-${++keySeq}-${Math.random().toString(36).slice(2)}`;

type IssueArgs = Partial<IssueInput> & { accountId?: string };
const input = (over: IssueArgs = {}) => ({
  accountId: ACCOUNTS.alice,
  nominal: "123.45",
  effectiveFrom: "2026-01-01",
  expiresOn: "2026-12-31",
  description: "Test issuance",
  idempotencyKey: newKey(),
  ...over,
});

describe.each(eachDriver(drivers))("[%s] operator issuance (R-VOU-1, R-VOU-4)", (_name, driver) => {
  let handle: DatabaseHandle;
  const operator = () => callerFor(handle, "u-operator");

  async function couponAndLedger(id: string) {
    const coupon = await rows<Record<string, string | null>>(
      handle.db,
      sql`SELECT id, account_id, coupon_type::text AS coupon_type, currency, nominal_minor::text AS nominal,
                 balance_minor::text AS balance, min_order_minor::text AS min_order,
                 (extract(epoch FROM effective_from) * 1000)::bigint::text AS effective_from,
                 (extract(epoch FROM expires_at) * 1000)::bigint::text AS expires_at,
                 source::text AS source, description, commodities::text AS commodities
          FROM coupons WHERE id = ${id}`,
    );
    const ledger = await rows<Record<string, string | null>>(
      handle.db,
      sql`SELECT type::text AS type, amount_minor::text AS amount, balance_after_minor::text AS after,
                 account_id, actor_user_id
          FROM coupon_ledger WHERE coupon_id = ${id} ORDER BY id`,
    );
    return { coupon, ledger };
  }

  beforeAll(async () => {
    handle = await seededDatabase(driver);
  });
  afterAll(async () => {
    await assertLedgerInvariant(handle);
    await driver.closeAll();
  });

  it("R-VOU-1/R-VOU-4: issue writes the voucher and exactly one Issuance ledger row, in one go", async () => {
    const before = await snapshot(handle.db);
    const { id } = await operator().operator.issue(input({ minOrder: "50", commodities: ["ecs", "oss"] }));
    expect(id).toMatch(/^CP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const { coupon, ledger } = await couponAndLedger(id);
    expect(coupon).toEqual([
      {
        id,
        account_id: ACCOUNTS.alice,
        coupon_type: "Cash Coupon",
        currency: "USD",
        nominal: "12345",
        balance: "12345",
        min_order: "5000",
        // R-TIME-1: calendar days in UTC+8; the end is the next midnight, exclusive.
        effective_from: String(Date.parse("2026-01-01T00:00:00+08:00")),
        expires_at: String(Date.parse("2027-01-01T00:00:00+08:00")),
        source: "Direct issuance",
        description: "Test issuance",
        commodities: "{ecs,oss}",
      },
    ]);
    expect(ledger).toEqual([
      {
        type: "Issuance",
        amount: "12345",
        after: "12345",
        account_id: ACCOUNTS.alice,
        actor_user_id: "u-operator",
      },
    ]);
    const after = await snapshot(handle.db);
    expect(Number(after?.coupons)).toBe(Number(before?.coupons) + 1);
    expect(Number(after?.ledger)).toBe(Number(before?.ledger) + 1);
    await assertLedgerInvariant(handle);

    // The owner sees it at once; it is a normal voucher of the account.
    const seen = await callerFor(handle, "u-alice").coupons.get({ id });
    expect(seen).toMatchObject({ id, balanceMinor: 12345, nominalMinor: 12345, accountId: ACCOUNTS.alice });
  });

  it("R-VOU-1: a discount coupon gets its percentage and cap", async () => {
    const { id } = await operator().operator.issue(
      input({ couponType: "Discount Coupon", discountPercent: 15, nominal: "30", accountId: ACCOUNTS.bob }),
    );
    const found = await callerFor(handle, "u-bob").coupons.get({ id });
    expect(found).toMatchObject({ couponType: "Discount Coupon", discountBps: 1500, discountCapMinor: 3000 });
  });

  it("R-VOU-1: the same idempotency key and payload twice gives the same voucher, written once", async () => {
    const args = input({ nominal: "7.77" });
    const before = await snapshot(handle.db);
    const first = await operator().operator.issue(args);
    const second = await operator().operator.issue({ ...args });
    expect(second.id).toBe(first.id);
    const after = await snapshot(handle.db);
    expect(Number(after?.coupons)).toBe(Number(before?.coupons) + 1);
    expect(Number(after?.ledger)).toBe(Number(before?.ledger) + 1);
    expect((await couponAndLedger(first.id)).ledger).toHaveLength(1);
  });

  it("R-VOU-1: concurrent retries with one key still write one voucher", async () => {
    const args = input({ nominal: "8.88" });
    const before = await snapshot(handle.db);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => operator().operator.issue({ ...args })),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => "fulfilled"));
    const ids = new Set(results.flatMap((r) => (r.status === "fulfilled" ? [r.value.id] : [])));
    expect(ids.size).toBe(1);
    const after = await snapshot(handle.db);
    expect(Number(after?.coupons)).toBe(Number(before?.coupons) + 1);
    expect(Number(after?.ledger)).toBe(Number(before?.ledger) + 1);
  });

  it("R-VOU-1: the same key with a different payload is refused (UNPROCESSABLE_CONTENT) and writes nothing", async () => {
    const args = input({ nominal: "5.00" });
    const first = await operator().operator.issue(args);
    const before = await snapshot(handle.db);
    for (const other of [
      { nominal: "5.01" },
      { accountId: ACCOUNTS.bob },
      { expiresOn: "2026-12-30" },
      { description: "x" },
    ]) {
      await expectTRPCError(operator().operator.issue({ ...args, ...other }), "UNPROCESSABLE_CONTENT");
    }
    expect(await snapshot(handle.db)).toEqual(before);
    expect((await operator().operator.issue(args)).id).toBe(first.id);
  });

  it.each([
    "-1",
    "0",
    "0.00",
    "1.234",
    "abc",
    "",
    "100000000000000",
    "1e5",
    "NaN",
    " ",
    "-0.01",
    "12,34.5.6",
  ])("R-SEC-2/R-VOU-3: nominal %j is BAD_REQUEST and nothing is written", async (nominal) => {
    const before = await snapshot(handle.db);
    await expectTRPCError(operator().operator.issue(input({ nominal })), "BAD_REQUEST");
    expect(await snapshot(handle.db)).toEqual(before);
  });

  it.each([
    ["minOrder -1", { minOrder: "-1" }],
    ["minOrder 1.001", { minOrder: "1.001" }],
    ["expiresOn before effectiveFrom", { effectiveFrom: "2026-02-01", expiresOn: "2026-01-31" }],
    ["a date that is not a date", { expiresOn: "31/12/2026" }],
    ["a date that does not exist", { expiresOn: "2026-02-30" }],
    ["a month that does not exist", { effectiveFrom: "2026-13-01", expiresOn: "2026-13-02" }],
    ["a discount percentage on a cash coupon", { discountPercent: 10 }],
    ["a discount coupon without percentage", { couponType: "Discount Coupon" as const }],
    ["a discount of 100%", { couponType: "Discount Coupon" as const, discountPercent: 100 }],
    ["an unknown product", { commodities: ["no-such-product"] }],
    ["no payment type", { paymentTypes: [] }],
    ["an unknown transaction type", { scopes: ["Gift"] as never }],
    ["a short idempotency key", { idempotencyKey: "short" }],
  ])("R-SEC-2: %s is BAD_REQUEST and nothing is written", async (_label, over) => {
    const before = await snapshot(handle.db);
    await expectTRPCError(operator().operator.issue(input(over as IssueArgs)), "BAD_REQUEST");
    expect(await snapshot(handle.db)).toEqual(before);
  });

  it("R-SEC-2: an unknown account is NOT_FOUND and nothing is written (not even the idempotency key)", async () => {
    const before = await snapshot(handle.db);
    const args = input({ accountId: "9999999999999999" });
    await expectTRPCError(operator().operator.issue(args), "NOT_FOUND");
    expect(await snapshot(handle.db)).toEqual(before);
    // The key was not consumed: it can be used for a valid request afterwards.
    const { id } = await operator().operator.issue({ ...args, accountId: ACCOUNTS.carol });
    expect(id).toMatch(/^CP-/);
  });

  it("R-SEC-1: a customer cannot issue, even to their own account", async () => {
    const before = await snapshot(handle.db);
    await expectTRPCError(callerFor(handle, "u-alice").operator.issue(input()), "FORBIDDEN");
    await expectTRPCError(
      callerFor(handle, "u-acme-admin").operator.issue(input({ accountId: ACCOUNTS.bob })),
      "FORBIDDEN",
    );
    await expectTRPCError(callerFor(handle, null).operator.issue(input()), "UNAUTHORIZED");
    expect(await snapshot(handle.db)).toEqual(before);
  });
});
