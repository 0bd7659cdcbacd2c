import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { cents, expectNoAxeViolations, parseCsv, signIn } from "./fixtures";

test("R-SEC-1: a wrong password gets a clear message, and no session", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("alice@example.com");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong email or password" })).toBeVisible();
  await page.goto("/coupons");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("R-LIST-1 R-LIST-2 R-DET-1 R-DET-2 R-DET-4: filter by Cash Coupon, open View Details, export the CSV", async ({
  page,
}) => {
  await signIn(page, "alice@example.com");
  const table = page.getByRole("table");
  for (const col of [
    "ID",
    "Nominal Value",
    "Balance",
    "Applicable Commodity",
    "Limit on Order Amount",
    "Status",
    "Validity Period",
    "Actions",
  ]) {
    await expect(table.getByRole("columnheader", { name: new RegExp(`^${col}`) })).toBeVisible();
  }
  await page.getByLabel("Coupon Type").selectOption("cash");
  await expect(page).toHaveURL(/type=cash/);
  await expect(table.getByText("Discount Coupon")).toHaveCount(0);
  await expect(table.getByText("Cash Coupon").first()).toBeVisible();

  // The URL holds the state: search by ID through the form, then reload and keep it.
  await page.getByLabel("Coupon ID").fill("CP-EQ1X");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=CP-EQ1X/);
  await page.reload();
  await expect(page.getByLabel("Coupon ID")).toHaveValue("CP-EQ1X");
  await expect(table.getByRole("row")).toHaveCount(2);

  await page.getByRole("link", { name: "View details of CP-EQ1X-F0RM" }).click();
  await expect(page.getByRole("heading", { name: "Coupon Deduction Details" })).toBeVisible();
  await expect(page.getByRole("figure", { name: "Balance over time" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "ORD-202600501" })).toBeVisible();

  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^coupon-CP-EQ1X-F0RM-deductions-\d{4}-\d{2}-\d{2}\.csv$/);
  const text = (await readFile((await download.path()) as string, "utf8")).replace(/^\uFEFF/, "");
  const [header, ...rows] = parseCsv(text);
  expect(header).toEqual([
    "Time",
    "Transaction Type",
    "Deducted Amount",
    "Credited Amount",
    "Order/Bill ID",
    "Account",
    "Balance After",
    "Note",
  ]);
  expect(rows.length).toBe(4);
  for (const r of rows) expect(r[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
  const deducted = rows.reduce((s, r) => s + (r[2] ? cents(r[2]) : 0), 0);
  // Nominal 123.45, balance shown on the page: the deductions add up to the difference.
  const summary = page.getByRole("region", { name: "Summary" });
  const nominal = cents(((await summary.getByText(/^\$/).nth(0).textContent()) ?? "").replace(/[$,]/g, ""));
  const balance = cents(((await summary.getByText(/^\$/).nth(1).textContent()) ?? "").replace(/[$,]/g, ""));
  expect(deducted).toBe(nominal - balance);
  // Formula cells are neutralised: nothing starts with = + - @.
  for (const r of rows) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  expect(rows.some((r) => r[7] === "'=1+2 @SUM(A1) -note")).toBe(true);
});

test("R-LIST-3 R-LIST-4: sort by balance, page with the cursor, totals above the table", async ({ page }) => {
  await signIn(page, "alice@example.com");
  await expect(page.getByRole("region", { name: "Totals" })).toContainText("Available to spend");
  await page.getByLabel("Sort by").selectOption("balance:desc");
  await expect(page).toHaveURL(/sort=balance/);
  const firstPageIds = await page.locator("tbody tr td:first-child").allInnerTexts();
  await page.getByRole("button", { name: "Next page" }).click();
  await expect(page).toHaveURL(/cursor=/);
  await expect(page.getByRole("button", { name: "First page" })).toBeVisible();
  const secondPageIds = await page.locator("tbody tr td:first-child").allInnerTexts();
  expect(secondPageIds.length).toBeGreaterThan(0);
  expect(secondPageIds.some((id) => firstPageIds.includes(id))).toBe(false);
});

test("R-LIST-6: a filter with no match shows a designed empty state", async ({ page }) => {
  await signIn(page, "alice@example.com");
  await page.goto("/coupons?q=NOPE-NOTHING");
  await expect(page.getByText("No coupons match these filters.")).toBeVisible();
  await page.goto("/coupons?status=bogus");
  await expect(page.getByRole("alert").filter({ hasText: "This link is out of date." })).toBeVisible();
});

test("R-SEC-1: another account's voucher is not found, page and export alike", async ({ page }) => {
  await signIn(page, "alice@example.com");
  const res = await page.goto("/coupons/CP-BOB0-0200");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Voucher not found" })).toBeVisible();
  const exp = await page.request.get("/api/coupons/CP-BOB0-0200/export");
  expect(exp.status()).toBe(404);
  expect(exp.headers()["content-type"]).not.toContain("text/csv");
});

test("R-A11Y-1: axe finds no violations on the Coupons tab and the details page", async ({ page }) => {
  await signIn(page, "alice@example.com");
  await expectNoAxeViolations(page);
  await page.goto("/coupons/CP-7Q2M-9XK4");
  await expect(page.getByRole("heading", { name: "Coupon Deduction Details" })).toBeVisible();
  await expectNoAxeViolations(page);
});

test("R-A11Y-1: keyboard only, from sign-in to Export", async ({ page }) => {
  await page.goto("/sign-in");
  await page.keyboard.press("Tab"); // email
  await page.keyboard.type("alice@example.com");
  await page.keyboard.press("Tab");
  await page.keyboard.type("demo-password");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Coupons" })).toBeVisible();
  // Tab until the first View Details link has focus, then open it.
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    const name = await page.evaluate(() => document.activeElement?.textContent ?? "");
    if (name.includes("View Details")) break;
  }
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Coupon Deduction Details" })).toBeVisible();
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press("Tab");
    const name = await page.evaluate(() => document.activeElement?.textContent ?? "");
    if (name.includes("Export CSV")) break;
  }
  const downloadPromise = page.waitForEvent("download");
  await page.keyboard.press("Enter");
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
});

test("R-VOU-1: the operator issues a voucher and it appears with its Issuance row", async ({ page }) => {
  await signIn(page, "operator@example.com");
  await page.getByRole("link", { name: "Issue vouchers" }).click();
  await expect(page.getByRole("heading", { name: "Issue vouchers" })).toBeVisible();
  await page.getByLabel("Account").selectOption("5000000000000101");
  await page.getByLabel(/Nominal value/).fill("88.88");
  await page.getByLabel("Description").fill("E2E goodwill credit");
  await page.getByRole("checkbox", { name: "Renewal" }).check();
  await page.getByRole("button", { name: "Issue voucher" }).click();
  const issued = page.getByRole("status").getByRole("link");
  await expect(issued).toHaveText(/^CP-/);
  await issued.click();
  await expect(page.getByRole("heading", { name: "Coupon Deduction Details" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "Issuance" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Summary" })).toContainText("$88.88");
  await expectNoAxeViolations(page);
});

test("R-LIST-5 R-ENT-3 R-ENT-4 R-DET-3: the admin's account filter, Account column and list export", async ({
  page,
}) => {
  await signIn(page, "admin@acme.example");
  const filter = page.getByRole("combobox", { name: /^Account/ });
  await expect(filter).toBeVisible();
  const options = await filter.locator("option").allTextContents();
  expect(options.some((o) => o.includes("Bob Li"))).toBe(true);
  expect(options.some((o) => o.includes("Carol Wang"))).toBe(true);
  // Dave is an Acme member the financial account does not manage: not offered.
  expect(options.some((o) => o.includes("Dave"))).toBe(false);

  await filter.selectOption("5000000000000202");
  await expect(page).toHaveURL(/account=5000000000000202/);
  await expect(page.getByRole("columnheader", { name: "Account" })).toBeVisible();
  await expect(page.getByRole("cell", { name: /^CP-BOB0-0200/ })).toBeVisible();

  await filter.selectOption("all");
  await expect(page).toHaveURL(/account=all/);
  await expect(page.getByRole("cell", { name: /^CP-CARL-0300/ })).toBeVisible();
  await expectNoAxeViolations(page);

  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export list (CSV)" }).click();
  const download = await downloadPromise;
  const text = (await readFile((await download.path()) as string, "utf8")).replace(/^\uFEFF/, "");
  const [header, ...rows] = parseCsv(text);
  expect(header?.[0]).toBe("ID");
  const ids = rows.map((r) => r[0]);
  expect(ids).toContain("CP-BOB0-0200");
  expect(ids).toContain("CP-CARL-0300");
  expect(ids).not.toContain("CP-DAVE-0400");
  // The file holds what the table's filter holds: the totals count every matching voucher.
  const count = await page.getByTestId("list-count").textContent();
  expect(rows.length).toBe(Number(count?.match(/^\d+/)?.[0]));

  // Another account's data through the URL: not found.
  const res = await page.request.get("/api/coupons/export?account=5000000000000204");
  expect(res.status()).toBe(404);
});

test("R-POOL-3: a member sees the pool voucher shared with them", async ({ page }) => {
  await signIn(page, "bob@acme.example");
  const shared = page.getByRole("region", { name: "Shared with your account" });
  await expect(shared).toContainText("CP-POOL-0102");
  await shared.getByRole("link", { name: "View details of shared voucher CP-POOL-0102" }).click();
  await expect(page.getByRole("heading", { name: "Coupon Deduction Details" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "5000000000000203" }).first()).toBeVisible();
});
