import fc from "fast-check";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DatabaseHandle, rows } from "@/db/client";
import { ACCOUNTS, DEMO_PASSWORD } from "@/db/seed";
import { signIn } from "@/server/auth/session";
import { closeBillOracle } from "@/server/bills/rules";
import { GET as billExport } from "@/app/api/bills/[id]/export/route";
import { closeBill } from "@/server/bills/service";
import { assertBillInvariants, cycleAgo, insertBill } from "./bills-helpers";
import { eachDriver, seededDatabase, testDatabases } from "./db";
import { callerFor, callRoute, expectTRPCError, parseCsv, readAll, snapshot } from "./helpers";
import { assertLedgerInvariant } from "./invariants";
import { candidateVouchers, excludedProducts } from "./orders-helpers";

const drivers = await testDatabases();

describe.each(eachDriver(drivers))("[%s] pay-as-you-go bills (R-PAYG-1, R-INV-1)", (_name, driver) => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await seededDatabase(driver);
  }, 120_000);
  afterAll(async () => {
    await driver.closeAll();
  });

  it("R-PAYG-1: closing last month's cycle applies the vouchers to each line by priority; closing again changes nothing", async () => {
    const db = handle.db;
    const operator = callerFor(handle, "u-operator");
    const alice = callerFor(handle, "u-alice");
    const cycle = await cycleAgo(db, 1);
    const before = (await alice.bills.list({})).items.find((b) => b.cycle === cycle);
    expect(before?.status).toBe("Open");
    expect(before?.voucherMinor).toBe(0);

    const first = await operator.bills.closeCycle({ cycle });
    expect(first.refused).toEqual([]);
    expect(first.closed).toBeGreaterThanOrEqual(3); // alice, bob, carol
    const after = await snapshot(db);
    const again = await operator.bills.closeCycle({ cycle });
    expect(again).toMatchObject({ closed: 0, refused: [] });
    const oneBill = await operator.bills.close({ id: before?.id as string });
    expect(oneBill.alreadyClosed).toBe(true);
    expect(await snapshot(db)).toEqual(after);

    const bill = await alice.bills.get({ id: before?.id as string, limit: 200 });
    expect(bill.bill.status).toBe("Closed");
    expect(bill.bill.totalMinor).toBe(bill.lines.reduce((s, l) => s + l.amountMinor, 0));
    expect(bill.bill.voucherMinor + bill.bill.cashMinor).toBe(bill.bill.totalMinor);
    expect(bill.bill.voucherMinor).toBeGreaterThan(0);
    expect(bill.bill.invoiceableMinor).toBe(bill.bill.cashMinor);
    for (const l of bill.lines) {
      expect(l.voucherMinor).toBe(l.deductions.reduce((s, d) => s + d.amountMinor, 0));
      expect(l.voucherMinor).toBeLessThanOrEqual(l.amountMinor);
    }
    // The voucher that paid shows the bill's lines in its deduction details (R-DET-1).
    const paidBy = bill.vouchers[0]?.couponId as string;
    const history = await alice.coupons.history({ id: paidBy, limit: 200 });
    const rowsForBill = history.items.filter((r) => r.billId === bill.bill.id);
    expect(rowsForBill.length).toBe(bill.vouchers[0]?.lines);
    expect(rowsForBill.every((r) => r.type === "Deduction" && r.billLineId)).toBe(true);
    await assertBillInvariants(db);
    await assertLedgerInvariant(db);

    // The bill's CSV (R-DET-2's rules: streamed, quoted, formula-safe): one record per line, same sums.
    const aliceToken = (await signIn(db, "alice@example.com", DEMO_PASSWORD)) as string;
    const res = await callRoute(billExport, handle, `/api/bills/${bill.bill.id}/export`, {
      token: aliceToken,
      params: { id: bill.bill.id },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toContain(`bill-${bill.bill.id}-lines-`);
    const text = (await readAll(res.body as ReadableStream<Uint8Array>)).toString("utf8");
    const records = parseCsv(text.replace(/^\uFEFF/, ""));
    expect(records[0]).toEqual([
      "Usage Time",
      "Line ID",
      "Product",
      "Description",
      "Amount",
      "Paid by Vouchers",
      "Vouchers",
      "Cash Due",
    ]);
    const body = records.slice(1);
    expect(body.length).toBe(bill.lines.length);
    const cents = (v: string | undefined) => Math.round(Number(v) * 100);
    expect(body.reduce((sum, r) => sum + cents(r[5]), 0)).toBe(bill.bill.voucherMinor);
    expect(body.reduce((sum, r) => sum + cents(r[7]), 0)).toBe(bill.bill.cashMinor);
    expect(body[0]?.[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(body[0]?.[6]).toMatch(/^CP-[A-Z0-9]{4}-[A-Z0-9]{4} \d+\.\d{2}/);
    // Another account's bill: not found, the same answer as a bill that does not exist.
    const bobToken = (await signIn(db, "bob@acme.example", DEMO_PASSWORD)) as string;
    for (const id of [bill.bill.id, "BILL-NOPE-1"]) {
      const denied = await callRoute(billExport, handle, `/api/bills/${id}/export`, {
        token: bobToken,
        params: { id },
      });
      expect(denied.status).toBe(404);
      expect(await denied.json()).toEqual({
        error: {
          code: "NOT_FOUND",
          message: "Bill not found",
          domainCode: "NOT_FOUND",
          reason: "NOT_FOUND",
          params: { what: "bill" },
        },
      });
    }
  });

  it("R-PAYG-1: close_bill() draws exactly what the oracle draws on random bills (fast-check): lines add up to the bill, no voucher past its balance, no line over-deducted", async () => {
    const db = handle.db;
    const excluded = await excludedProducts(db);
    const products = ["ecs", "oss", "rds", "cloud_os"];
    const voucherArb = fc.record({
      balance: fc.integer({ min: 1, max: 6_000 }),
      extra: fc.integer({ min: 0, max: 3_000 }),
      commodities: fc.oneof(fc.constant([] as string[]), fc.subarray(products, { minLength: 1 })),
      scopes: fc.constantFrom("{}", "{}", "{}", "{New Purchase}"),
      payment: fc.constantFrom(
        "{Subscription,Pay-as-you-go}",
        "{Subscription,Pay-as-you-go}",
        "{Pay-as-you-go}",
        "{Subscription}",
      ),
      minOrder: fc.constantFrom(0, 0, 5_000, 40_000),
      validity: fc.constantFrom("valid", "valid", "valid", "valid", "valid", "expired", "future"),
      reclaimed: fc.boolean().map((b) => b && Math.random() < 0.3),
      expiresDay: fc.integer({ min: 1, max: 4 }),
      shared: fc.boolean(),
      currency: fc.constantFrom("USD", "USD", "USD", "USD", "USD", "EUR"),
    });
    const lineArb = fc.record({
      product: fc.constantFrom(...products),
      amount: fc.integer({ min: 1, max: 3_000 }),
      hour: fc.integer({ min: 0, max: 50 }),
    });
    let run = 0;
    let withDeductions = 0;
    let partlyCash = 0;
    const seed = Number(process.env.FC_SEED ?? Date.now() % 1_000_000);
    console.info(`R-PAYG-1 property test seed ${seed}`);
    await fc.assert(
      fc.asyncProperty(
        fc.array(voucherArb, { minLength: 0, maxLength: 7 }),
        fc.array(lineArb, { minLength: 0, maxLength: 25 }),
        async (vs, ls) => {
          run += 1;
          const me = `59${String(run).padStart(14, "0")}`;
          const other = `58${String(run).padStart(14, "0")}`;
          await db.execute(
            sql`INSERT INTO accounts (id, name) VALUES (${me}, 'Property'), (${other}, 'Owner')`,
          );
          for (const [i, v] of vs.entries()) {
            const id = `PV-${run}-${i}`;
            const owner = v.shared ? other : me;
            const from =
              v.validity === "future"
                ? sql`now() + interval '5 days'`
                : sql`timestamptz '2025-01-01 00:00:00+00'`;
            const to =
              v.validity === "expired"
                ? sql`timestamptz '2025-06-01 00:00:00+00'`
                : sql`date_trunc('day', now()) + make_interval(days => ${v.expiresDay * 10})`;
            await db.execute(sql`
              INSERT INTO coupons (id, account_id, currency, nominal_minor, balance_minor, commodities, scopes, payment_types,
                                   min_order_minor, effective_from, expires_at, issued_at, description, shared, reclaimed_at)
              VALUES (${id}, ${owner}, ${v.currency}, ${v.balance + v.extra}, ${v.balance},
                      ${`{${v.commodities.join(",")}}`}::text[], ${v.scopes}::transaction_type[], ${v.payment}::payment_type[],
                      ${v.minOrder}, ${from}, ${to}, timestamptz '2024-12-01 00:00:00+00' + make_interval(hours => ${i % 3}),
                      'property', ${v.shared}, ${v.reclaimed ? sql`timestamptz '2025-02-01 00:00:00+00'` : null})`);
            await db.execute(sql`
              INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, created_at)
              VALUES (${id}, ${owner}, 'Issuance', ${v.balance + v.extra}, ${v.balance + v.extra}, timestamptz '2024-12-01 00:00:00+00')`);
            if (v.extra > 0) {
              await db.execute(sql`
                INSERT INTO coupon_ledger (coupon_id, account_id, type, amount_minor, balance_after_minor, created_at)
                VALUES (${id}, ${owner}, 'Deduction', ${v.extra}, ${v.balance}, timestamptz '2024-12-02 00:00:00+00')`);
            }
            if (v.shared)
              await db.execute(sql`INSERT INTO coupon_shares (coupon_id, account_id) VALUES (${id}, ${me})`);
          }
          const billId = `BILL-PROP-${run}`;
          const lines = ls.map((l, j) => ({
            id: `${billId}-L${String(j).padStart(3, "0")}`,
            productCode: l.product,
            amountMinor: l.amount,
            usageAt: new Date(Date.UTC(2026, 0, 2) + l.hour * 3_600_000).toISOString(),
          }));
          await insertBill(db, { id: billId, accountId: me, cycle: "2026-01" }, lines);
          const { vouchers } = await candidateVouchers(db, me);
          const closed = await closeBill(db, null, billId);
          const expected = closeBillOracle(
            me,
            "USD",
            lines.map((l) => ({ ...l, usageAt: new Date(l.usageAt) })),
            vouchers,
            new Date(closed.closedAt),
            excluded,
          );
          const drawn = await rows<{ line: string; coupon: string; amount: string }>(
            db,
            sql`SELECT bill_line_id AS line, coupon_id AS coupon, amount_minor::text AS amount
                  FROM coupon_ledger WHERE bill_id = ${billId} AND type = 'Deduction' ORDER BY id`,
          );
          expect(drawn.map((d) => [d.line, d.coupon, Number(d.amount)])).toEqual(expected.deductions);
          if (drawn.length > 0) withDeductions += 1;
          if (drawn.length > 0 && closed.cashMinor > 0) partlyCash += 1;
          const total = lines.reduce((s, l) => s + l.amountMinor, 0);
          expect(closed.totalMinor).toBe(total);
          expect(closed.voucherMinor).toBe(expected.deductions.reduce((s, d) => s + d[2], 0));
          expect(closed.voucherMinor + closed.cashMinor).toBe(total);
          const balances = await rows<{ id: string; b: string }>(
            db,
            sql`SELECT id, balance_minor::text AS b FROM coupons WHERE id LIKE ${`PV-${run}-%`}`,
          );
          for (const b of balances) {
            expect(Number(b.b), b.id).toBe(expected.balances.get(b.id));
            expect(Number(b.b)).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 100, seed },
    );
    // The random bills were not trivial: many drew vouchers, some ran them dry and left cash due.
    expect(withDeductions).toBeGreaterThan(20);
    expect(partlyCash).toBeGreaterThan(5);
    await assertBillInvariants(db);
    await assertLedgerInvariant(db);
  }, 300_000);

  it("R-PAYG-1: a cycle that has not ended cannot be closed; recording usage is the operator's, refuses a closed cycle, the future and bad input, and changes nothing then", async () => {
    const db = handle.db;
    const operator = callerFor(handle, "u-operator");
    const alice = callerFor(handle, "u-alice");
    const current = await cycleAgo(db, 0);
    const open = (await alice.bills.list({})).items.find((b) => b.cycle === current);
    expect(open?.status).toBe("Open");
    await expectTRPCError(operator.bills.close({ id: open?.id as string }), "CONFLICT");
    await expectTRPCError(operator.bills.closeCycle({ cycle: "2026-13" }), "BAD_REQUEST");

    const good = {
      accountId: ACCOUNTS.alice,
      productCode: "ecs",
      amount: "1.25",
      usageAt: new Date(Date.now() - 60_000).toISOString(),
    };
    await expectTRPCError(alice.bills.recordUsage(good), "FORBIDDEN");
    const before = await snapshot(db);
    const recorded = await operator.bills.recordUsage(good);
    expect(recorded.amountMinor).toBe(125);
    expect(recorded.billId).toBe(open?.id);
    const closedCycle = await cycleAgo(db, 2);
    for (const bad of [
      { ...good, usageAt: new Date(Date.now() + 3_600_000).toISOString() },
      { ...good, amount: "-1" },
      { ...good, amount: "0" },
      { ...good, amount: "1.234" },
      { ...good, productCode: "nope" },
      { ...good, accountId: "9999999999999999" },
      { ...good, usageAt: `${closedCycle}-15T12:00:00+08:00` },
      { ...good, usageAt: "yesterday" },
    ]) {
      const lines = await rows<{ n: string }>(db, sql`SELECT count(*)::text AS n FROM bill_lines`);
      let failed = false;
      try {
        await operator.bills.recordUsage(bad);
      } catch {
        failed = true;
      }
      expect(failed, JSON.stringify(bad)).toBe(true);
      expect(await rows<{ n: string }>(db, sql`SELECT count(*)::text AS n FROM bill_lines`)).toEqual(lines);
    }
    expect((await snapshot(db))?.ledger).toBe(before?.ledger);
  });

  it("R-ENT-3 R-PAYG-1 R-INV-1: another account's bills and invoices are not found; the Bills / Invoices permission opens a managed member's, and a revoke closes it at once", async () => {
    const db = handle.db;
    const alice = callerFor(handle, "u-alice");
    const bob = callerFor(handle, "u-bob");
    const admin = callerFor(handle, "u-acme-admin");
    const aliceBill = (await alice.bills.list({})).items[0]?.id as string;
    await expectTRPCError(bob.bills.get({ id: aliceBill }), "NOT_FOUND");
    await expectTRPCError(bob.bills.get({ id: "BILL-NOPE-0000" }), "NOT_FOUND");
    await expectTRPCError(bob.bills.list({ accountId: ACCOUNTS.alice }), "NOT_FOUND");
    await expectTRPCError(bob.invoices.list({ accountId: ACCOUNTS.alice }), "NOT_FOUND");
    await expectTRPCError(callerFor(handle, null).bills.list({}), "UNAUTHORIZED");
    await expectTRPCError(callerFor(handle, null).invoices.list({}), "UNAUTHORIZED");
    // Without the Bills permission the admin (Cards and Coupons only) sees only Acme's own bills.
    await expectTRPCError(admin.bills.list({ accountId: ACCOUNTS.bob }), "NOT_FOUND");
    const own = await admin.bills.list({ accountId: "all" });
    expect(own.items.length).toBeGreaterThan(0);
    expect(own.items.every((b) => b.accountId === ACCOUNTS.acme)).toBe(true);
    const bobBill = (await bob.bills.list({})).items[0]?.id as string;
    await expectTRPCError(admin.bills.get({ id: bobBill }), "NOT_FOUND");

    await db.execute(sql`INSERT INTO admin_permissions (user_id, financial_account_id, permission)
                         VALUES ('u-acme-admin', ${ACCOUNTS.acme}, 'bills')`);
    const all = await admin.bills.list({ accountId: "all" });
    expect(new Set(all.items.map((b) => b.accountId))).toEqual(
      new Set([ACCOUNTS.acme, ACCOUNTS.bob, ACCOUNTS.carol]),
    );
    expect((await admin.bills.get({ id: bobBill })).bill.accountId).toBe(ACCOUNTS.bob);
    expect((await admin.bills.accounts()).map((a) => a.id)).toContain(ACCOUNTS.bob);
    // Bills does not open Invoices.
    await expectTRPCError(admin.invoices.list({ accountId: ACCOUNTS.bob }), "NOT_FOUND");
    await db.execute(
      sql`UPDATE admin_permissions SET revoked = true WHERE user_id = 'u-acme-admin' AND permission = 'bills'`,
    );
    await expectTRPCError(admin.bills.get({ id: bobBill }), "NOT_FOUND");
  });

  it("R-INV-1: the invoiceable amount is the cash part only, after refunds, for orders and closed bills; the voucher part is never invoiceable", async () => {
    const alice = callerFor(handle, "u-alice");
    const inv = await alice.invoices.list({});
    expect(inv.months.length).toBeGreaterThan(0);
    for (const m of inv.months) {
      const got = await alice.invoices.list({ month: m.month, limit: 500 });
      const items = got.items.filter((i) => i.currency === m.currency);
      if (items.length < m.charges) continue; // more than a page; the sums are checked on smaller months
      expect(items.reduce((s, i) => s + i.invoiceableMinor, 0)).toBe(m.invoiceableMinor);
      expect(items.reduce((s, i) => s + i.voucherMinor, 0)).toBe(m.voucherMinor);
    }
    const [check] = await rows<{ bad: string }>(
      handle.db,
      sql`SELECT count(*)::text AS bad FROM orders o
           WHERE o.status = 'Paid' AND invoiceable_minor(true, o.cash_minor, 0) <> o.amount_minor - o.voucher_minor`,
    );
    expect(check?.bad).toBe("0");
    for (const i of inv.items) {
      expect(i.invoiceableMinor).toBe(i.totalMinor - i.voucherMinor - i.cashRefundedMinor);
      if (i.kind === "bill") {
        const b = await alice.bills.get({ id: i.id });
        expect(i.invoiceableMinor).toBe(b.bill.cashMinor);
      }
    }
  });
});
