/**
 * One home for every money rule (issue 9, part 1; DESIGN.md §15). These tests read the source:
 * they fail when a second writer of voucher money, a second copy of a rule or a product import of a
 * test oracle appears, and they check that db/sql is what the database runs.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { applySqlFunctions, rows, sqlFunctionFiles } from "@/db/client";
import { eachDriver, testDatabases } from "./db";
import { errorText } from "./helpers";
import { assertLedgerInvariant } from "./invariants";

const ROOT = process.cwd();
/** Product code: what runs in the console, the API and the scheduled scripts. */
const PRODUCT_DIRS = ["app", "components", "db", "lib", "scripts", "server", "trpc"];
/** Not product code: versioned migrations are history (their functions are dropped or replaced by db/sql). */
const EXEMPT = [/^db\/migrations\//, /^db\/seed\.ts$/, /\.test\.tsx?$/];

function productFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(ROOT, dir))) {
      const rel = `${dir}/${name}`;
      if (statSync(path.join(ROOT, rel)).isDirectory()) walk(rel);
      else if (/\.(ts|tsx|sql)$/.test(name) && !EXEMPT.some((re) => re.test(rel))) out.push(rel);
    }
  };
  for (const d of PRODUCT_DIRS) walk(d);
  return out;
}

const files = productFiles().map((f) => ({ f, text: readFileSync(path.join(ROOT, f), "utf8") }));

describe("one writer of voucher money (R-VOU-4, R-VOU-5)", () => {
  it("R-VOU-4: only db/sql/voucher_post*.sql changes coupons.balance_minor or appends coupon_ledger rows", () => {
    const writes = [
      /update\s+"?coupons"?\s+(\w+\s+)?set\b[^;]*balance_minor/is,
      /insert\s+into\s+"?coupon_ledger"?/i,
      /\.insert\(\s*couponLedger\s*\)/,
      /\.update\(\s*coupons\s*\)/,
      /balanceMinor:\s*[^0\s]/, // a coupon row inserted with a balance (it starts at 0; Issuance raises it)
    ];
    const writers = files
      .filter(({ f, text }) => {
        if (/^db\/sql\/voucher_post(_batch)?\.sql$/.test(f)) return false;
        return (
          writes.slice(0, 4).some((re) => re.test(text)) ||
          (/insert\(\s*coupons\s*\)/.test(text) && writes[4]?.test(text))
        );
      })
      .map(({ f }) => f);
    expect(writers, "files that write voucher money outside voucher_post()").toEqual([]);
    // And the writer is used: every money path calls it.
    const calls = (f: string, re: RegExp) => re.test(files.find((x) => x.f === f)?.text ?? "");
    expect(calls("db/sql/pay_order.sql", /voucher_post\(/)).toBe(true);
    expect(calls("db/sql/close_bill.sql", /voucher_post_batch\(/)).toBe(true);
    expect(calls("server/vouchers/ledger.ts", /voucher_post\(/)).toBe(true);
    for (const f of [
      "server/orders/refund.ts",
      "server/quota-pool/service.ts",
      "server/vouchers/service.ts",
    ]) {
      expect(calls(f, /postVoucher\(/), f).toBe(true);
    }
  });

  it("R-MATCH-2 R-VOU-2 R-INV-1: each rule has one source the product runs; TypeScript copies are test oracles only", () => {
    // Status: coupon_status() only.
    const statusCopies = files
      .filter(
        ({ f, text }) =>
          f !== "db/sql/coupon_status.sql" && /THEN\s+'(Used up|Not yet effective)'/i.test(text),
      )
      .map(({ f }) => f);
    expect(statusCopies, "a copy of the status rule").toEqual([]);
    // Applicability: voucher_reasons() only; the page, the payment and the close call it.
    const reasonCopies = files
      .filter(
        ({ f, text }) =>
          !["db/sql/voucher_reasons.sql", "db/sql/reason_codes.sql"].includes(f) &&
          /'PRODUCT_NOT_COVERED'|min_order_minor\s*(<=|>=|<|>)|>=\s*c\.min_order_minor/.test(text),
      )
      .map(({ f }) => f);
    expect(reasonCopies, "a copy of the applicability rule").toEqual([]);
    for (const f of ["server/orders/queries.ts", "db/sql/pay_order.sql", "db/sql/close_bill.sql"]) {
      expect(files.find((x) => x.f === f)?.text, f).toMatch(/voucher_reasons\(/);
    }
    for (const f of ["server/orders/queries.ts", "db/sql/close_bill.sql"]) {
      expect(files.find((x) => x.f === f)?.text, f).toMatch(/vouchers_by_priority\(/);
    }
    expect(files.find((x) => x.f === "server/vouchers/queries.ts")?.text).toMatch(/coupon_status\(/);
    expect(files.find((x) => x.f === "server/quota-pool/queries.ts")?.text).toMatch(/coupon_status\(/);
    // Oracles: defined in rules.ts files, imported by no product file.
    const oracleUsers = files
      .filter(({ f, text }) => /\.tsx?$/.test(f) && !/\/rules\.ts$/.test(f) && /\b\w+Oracle\b/.test(text))
      .map(({ f }) => f);
    expect(oracleUsers, "product code importing a test oracle").toEqual([]);
  });
});

const drivers = await testDatabases();
describe.each(eachDriver(drivers))("[%s] db/sql is what the database runs", (_name, driver) => {
  afterAll(() => driver.closeAll());

  it("R-VOU-4: one CREATE OR REPLACE FUNCTION per file, named as the file; the migrator applied each file's current text and re-applies a file only when its text changes", async () => {
    for (const { name, text } of sqlFunctionFiles()) {
      const creates = [...text.matchAll(/CREATE OR REPLACE FUNCTION\s+(\w+)\s*\(/g)];
      expect(
        creates.map((m) => m[1]),
        name,
      ).toEqual([name.replace(/\.sql$/, "")]);
    }
    const handle = await driver.open();
    const applied = await rows<{ name: string; sha256: string }>(
      handle.db,
      sql`SELECT name, sha256 FROM sql_functions ORDER BY name`,
    );
    expect(applied).toEqual(sqlFunctionFiles().map(({ name, sha256 }) => ({ name, sha256 })));
    expect(await applySqlFunctions(handle.db)).toEqual([]);
    // A file whose text differs from what was applied (here: the record of it) is applied again.
    await handle.db.execute(sql`UPDATE sql_functions SET sha256 = 'old' WHERE name = 'coupon_status.sql'`);
    expect(await applySqlFunctions(handle.db)).toEqual(["coupon_status.sql"]);
    // Every function the files define exists in the database.
    const names = sqlFunctionFiles().map(({ name }) => name.replace(/\.sql$/, ""));
    const found = await rows<{ proname: string }>(
      handle.db,
      sql`SELECT DISTINCT proname FROM pg_proc WHERE proname IN ${names} ORDER BY proname`,
    );
    expect(found.map((r) => r.proname)).toEqual([...names].sort());
  });

  it("R-VOU-4 R-VOU-5: voucher_post() refuses what would break 0 <= balance <= nominal and changes nothing; voucher_post_batch() is all or nothing", async () => {
    const handle = await driver.open();
    const db = handle.db;
    await db.execute(sql`INSERT INTO accounts (id, name) VALUES ('5999000000000001', 'Writer')`);
    await db.execute(sql`INSERT INTO coupons (id, account_id, currency, nominal_minor, balance_minor, effective_from, expires_at)
                         VALUES ('CP-WRIT-0001', '5999000000000001', 'USD', 1000, 0, now() - interval '1 day', now() + interval '1 day'),
                                ('CP-WRIT-0002', '5999000000000001', 'USD', 500, 0, now() - interval '1 day', now() + interval '1 day')`);
    const post = (id: string, type: string, amount: number) =>
      rows<{ after: string }>(
        db,
        sql`SELECT voucher_post(${id}, ${type}::ledger_type, ${amount}::bigint, '5999000000000001', NULL)::text AS after`,
      );
    expect((await post("CP-WRIT-0001", "Issuance", 1000))[0]?.after).toBe("1000");
    expect((await post("CP-WRIT-0002", "Issuance", 500))[0]?.after).toBe("500");
    const state = () =>
      rows<{ id: string; b: string; n: string }>(
        db,
        sql`SELECT c.id, c.balance_minor::text AS b, (SELECT count(*) FROM coupon_ledger l WHERE l.coupon_id = c.id)::text AS n
              FROM coupons c WHERE c.id LIKE 'CP-WRIT-%' ORDER BY c.id`,
      );
    const before = await state();
    for (const [id, type, amount, code] of [
      ["CP-WRIT-0001", "Deduction", 1001, "INSUFFICIENT_BALANCE"],
      ["CP-WRIT-0001", "Refund", 1, "OVER_NOMINAL"],
      ["CP-WRIT-0001", "Deduction", 0, "INVALID_AMOUNT"],
      ["CP-WRIT-0001", "Deduction", -5, "INVALID_AMOUNT"],
      ["CP-NONE-0000", "Deduction", 1, "VOUCHER_NOT_FOUND"],
    ] as const) {
      let error: unknown;
      await post(id, type, amount).catch((e) => {
        error = e;
      });
      expect(errorText(error), `${type} ${amount}`).toContain(code);
    }
    // A batch whose second voucher cannot pay: nothing at all is written.
    await expect(
      rows(
        db,
        sql`SELECT voucher_post_batch('Deduction', '5999000000000001', NULL, now(),
                                      ARRAY['CP-WRIT-0001', 'CP-WRIT-0002', 'CP-WRIT-0002'], ARRAY[10, 300, 300]::bigint[])`,
      ),
    ).rejects.toBeDefined();
    expect(await state()).toEqual(before);
    await rows(
      db,
      sql`SELECT voucher_post_batch('Deduction', '5999000000000001', NULL, now(),
                                    ARRAY['CP-WRIT-0001', 'CP-WRIT-0002', 'CP-WRIT-0001'], ARRAY[10, 300, 5]::bigint[])`,
    );
    expect(await state()).toEqual([
      { id: "CP-WRIT-0001", b: "985", n: "3" },
      { id: "CP-WRIT-0002", b: "200", n: "2" },
    ]);
    await assertLedgerInvariant(db);
  });
});
