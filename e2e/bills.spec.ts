import { type Browser, expect, type Page, test } from "@playwright/test";
import { cents, expectNoAxeViolations, signIn } from "./fixtures";

const ALICE = "5000000000000101";
const ACME = "5000000000000201";
const BOB = "5000000000000202";

/** Last month's billing cycle in UTC+8 (the demo accounts' zone): the one the seed leaves Open. */
function lastCycle(): string {
  const d = new Date(Date.now() + 8 * 3_600_000);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}
/** The seed's bill IDs: BILL-<yyyymm>-<last three digits of the UID>. */
const seededBill = (cycle: string, uid: string) => `BILL-${cycle.replace("-", "")}-${uid.slice(-3)}`;
const money = (text: string | null) => cents((text ?? "").replace(/[−$,\s]/g, ""));

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email);
  return page;
}

async function recordUsage(
  page: Page,
  usage: { uid: string; product: string; amount: string; at?: string; text: string },
) {
  const form = page.getByRole("form", { name: "Record usage" });
  await form.getByLabel("Customer UID").selectOption(usage.uid);
  await form.getByLabel("Product").selectOption({ label: usage.product });
  await form.getByLabel("Amount", { exact: true }).fill(usage.amount);
  if (usage.at) await form.getByLabel("Usage time (your time zone, Asia/Shanghai)").fill(usage.at);
  await form.getByLabel("Line text (shown on the bill)").fill(usage.text);
  await form.getByRole("button", { name: "Record usage" }).click();
  const done = form.getByRole("status");
  await expect(done).toContainText(`Recorded $${usage.amount} on bill`);
  return (await done.getByRole("link").textContent()) ?? "";
}

test("R-PAYG-1 R-INV-1 R-DET-1: the operator records usage and closes last month; Alice sees the voucher deductions on the bill, in the voucher's details, and only the cash part as invoiceable", async ({
  browser,
}) => {
  // Two sessions, six pages, five axe runs: more than the default minute on a busy 2-core box.
  test.setTimeout(180_000);
  const cycle = lastCycle();

  // The operator: one Cloud OS line in last month's cycle (only Alice's Cloud OS voucher covers it,
  // so part of it stays cash), then close the cycle.
  const operator = await signedIn(browser, "operator@example.com");
  await operator.goto("/operator");
  await expect(operator.getByRole("heading", { name: "Record usage" })).toBeVisible();
  const billId = await recordUsage(operator, {
    uid: ALICE,
    product: "Cloud OS",
    amount: "150.00",
    at: `${cycle}-15T10:30`,
    text: "E2E Cloud OS usage",
  });
  expect(billId).toBe(seededBill(cycle, ALICE));

  // A server refusal is a sentence beside the form, not validator text.
  const usageForm = operator.getByRole("form", { name: "Record usage" });
  await usageForm.getByLabel("Usage time (your time zone, Asia/Shanghai)").fill("2099-01-01T00:00");
  await usageForm.getByRole("button", { name: "Record usage" }).click();
  await expect(usageForm.getByRole("alert")).toHaveText("Usage cannot be recorded in the future.");

  const closeForm = operator.getByRole("form", { name: "Close a billing cycle" });
  await closeForm.getByLabel("Billing cycle (YYYY-MM)").fill(cycle);
  await closeForm.getByRole("button", { name: "Close billing cycle" }).click();
  const result = closeForm.getByRole("status");
  await expect(result).toContainText(`Billing cycle ${cycle}`);
  await expect(result).toContainText(/[1-9]\d* bills? closed/);
  await expect(result).toContainText("0 refused");
  await expectNoAxeViolations(operator);
  // Closing it again changes nothing: every bill is reported already closed.
  await closeForm.getByRole("button", { name: "Close billing cycle" }).click();
  await expect(result).toContainText("0 bills closed");
  await expect(result).toContainText(/[1-9]\d* already closed/);
  // A closed cycle takes no more usage.
  await usageForm.getByLabel("Usage time (your time zone, Asia/Shanghai)").fill(`${cycle}-20T09:00`);
  await usageForm.getByRole("button", { name: "Record usage" }).click();
  await expect(usageForm.getByRole("alert")).toContainText(
    `The ${cycle} billing cycle of this account is closed`,
  );

  // Alice: Billing > Bills lists the cycle Closed, with a voucher deduction.
  const alice = await signedIn(browser, "alice@example.com");
  await alice.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Bills" }).click();
  await expect(alice.getByRole("heading", { name: "Bills", exact: true })).toBeVisible();
  const billLink = alice.getByRole("link", { name: `Bill ${billId}, ${cycle}` });
  const row = alice.getByRole("row").filter({ has: billLink });
  await expect(row.getByText("Closed", { exact: true })).toBeVisible();
  const listedVoucher = money(await row.getByRole("cell").nth(3).textContent());
  expect(listedVoucher).toBeGreaterThan(0);
  await expectNoAxeViolations(alice);

  // The bill: the figures, the vouchers applied, the deductions per line.
  await billLink.click();
  await expect(alice.getByRole("heading", { name: `Bill ${billId}` })).toBeVisible();
  const total = money(await alice.getByTestId("bill-total").textContent());
  const voucher = money(await alice.getByTestId("bill-voucher").textContent());
  const cash = money(await alice.getByTestId("bill-cash").textContent());
  expect(voucher).toBe(listedVoucher);
  expect(total).toBe(voucher + cash);
  // The Cloud OS voucher holds at most 99.00: at least 51.00 of the 150.00 line is cash.
  expect(cash).toBeGreaterThanOrEqual(5100);
  await expect(alice.getByTestId("bill-invoiceable")).toHaveText(
    (await alice.getByTestId("bill-cash").textContent()) ?? "",
  );
  await expect(alice.getByRole("link", { name: "Download CSV" })).toHaveAttribute(
    "href",
    `/api/bills/${billId}/export`,
  );

  const applied = alice.getByRole("region", { name: "Vouchers applied" });
  const voucherLinks = applied.getByRole("link", { name: /^Voucher CP-.*: deduction details$/ });
  await expect(voucherLinks.first()).toBeVisible();
  await expect(applied.getByRole("link", { name: "Voucher CP-CLOS-0015: deduction details" })).toBeVisible();

  const lines = alice.getByRole("table", { name: new RegExp(`^Lines of bill ${billId}`) });
  const cloudOs = lines.getByRole("row").filter({ hasText: "E2E Cloud OS usage" });
  await expect(cloudOs.getByRole("link", { name: "CP-CLOS-0015" })).toHaveAttribute(
    "href",
    "/coupons/CP-CLOS-0015",
  );
  await expect(cloudOs.getByRole("cell").nth(5)).not.toHaveText("$0.00");
  // Every other line was paid by some voucher too: a deduction link per line.
  await expect(lines.getByRole("link", { name: /^CP-/ }).first()).toBeVisible();
  await expectNoAxeViolations(alice);

  // Following the voucher: its Coupon Deduction Details history has a row for this bill.
  const firstVoucher = ((await voucherLinks.first().textContent()) ?? "").trim();
  await voucherLinks.first().click();
  await expect(alice.getByRole("heading", { name: "Coupon Deduction Details" })).toBeVisible();
  await expect(alice).toHaveURL(new RegExp(`/coupons/${firstVoucher}$`));
  const history = alice.getByRole("table", { name: new RegExp(`^Transactions of ${firstVoucher}`) });
  const billRow = history
    .getByRole("row")
    .filter({ has: alice.getByRole("cell", { name: billId, exact: true }) });
  await expect(billRow.first()).toContainText("Deduction");
  await expectNoAxeViolations(alice);

  // Billing > Invoices for that month: the bill's invoiceable amount is its cash part only.
  await alice.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Invoices" }).click();
  await expect(alice.getByRole("heading", { name: "Invoices", exact: true })).toBeVisible();
  await alice.getByLabel("Month", { exact: true }).selectOption(cycle);
  await expect(alice).toHaveURL(new RegExp(`month=${cycle}`));
  await expect(alice.getByRole("heading", { name: `Charges in ${cycle}` })).toBeVisible();
  const invoiceRow = alice.getByRole("row").filter({ has: alice.getByRole("link", { name: billId }) });
  const cells = invoiceRow.getByRole("cell");
  expect(money(await cells.nth(2).textContent())).toBe(total);
  await expect(cells.nth(3)).toContainText("Paid with a voucher: vouchers are not invoiced");
  expect(money((await cells.nth(3).textContent())?.split("Paid")[0] ?? "")).toBe(voucher);
  expect(money(await cells.nth(5).textContent())).toBe(cash);
  await expect(alice.getByRole("region", { name: `Totals for ${cycle}` })).toContainText("Not invoiceable");
  await expectNoAxeViolations(alice);

  // The bill row links back to the bill.
  await invoiceRow.getByRole("link", { name: billId }).click();
  await expect(alice.getByRole("heading", { name: `Bill ${billId}` })).toBeVisible();
});

test("R-PAYG-1 R-ENT-3: Bob cannot open Alice's bill; it is simply not found", async ({ page }) => {
  await signIn(page, "bob@acme.example");
  await page.goto(`/bills/${seededBill(lastCycle(), ALICE)}`);
  await expect(page.getByRole("heading", { name: "Bill not found" })).toBeVisible();
  await expect(page.getByText(ALICE)).toHaveCount(0);
  await expectNoAxeViolations(page);
  // His own bill opens.
  await page.goto(`/bills/${seededBill(lastCycle(), BOB)}`);
  await expect(page.getByRole("heading", { name: `Bill ${seededBill(lastCycle(), BOB)}` })).toBeVisible();
});

test("R-PAYG-1 R-INV-1 R-ENT-3: Acme's administrator, without the Bills permission, sees only Acme's own bills", async ({
  browser,
}) => {
  // Usage for Acme's own account this month, so it has a bill of its own.
  const operator = await signedIn(browser, "operator@example.com");
  await operator.goto("/operator");
  const acmeBill = await recordUsage(operator, {
    uid: ACME,
    product: "Object Storage Service (OSS)",
    amount: "7.25",
    text: "E2E Acme storage",
  });

  const admin = await signedIn(browser, "admin@acme.example");
  await admin.goto("/bills");
  await expect(admin.getByRole("heading", { name: "Bills", exact: true })).toBeVisible();
  // No account filter: the only account offered would be Acme's own.
  await expect(admin.getByRole("combobox", { name: "Account" })).toHaveCount(0);
  // Acme's own bills only: this month's (just recorded) and last month's from the demo data.
  const rows = admin.getByRole("table", { name: /^Bills/ }).getByRole("row");
  await expect(rows).toHaveCount(3);
  await expect(admin.getByRole("link", { name: new RegExp(`^Bill ${acmeBill},`) })).toBeVisible();
  await expect(rows.nth(1).getByText("Open", { exact: true })).toBeVisible();
  await expectNoAxeViolations(admin);

  // Members' bills stay out of reach, even by URL.
  await admin.goto(`/bills/${seededBill(lastCycle(), BOB)}`);
  await expect(admin.getByRole("heading", { name: "Bill not found" })).toBeVisible();
  // An account the admin may not see, through the URL: a designed error, no data.
  await admin.goto(`/bills?account=${BOB}`);
  await expect(admin.getByRole("alert").filter({ hasText: "Account not found." })).toBeVisible();
  await expect(admin.getByRole("table")).toHaveCount(0);

  // Invoices: nothing of the members either (Acme's open bill is not invoiceable yet).
  await admin.goto("/invoices");
  await expect(admin.getByRole("heading", { name: "Invoices", exact: true })).toBeVisible();
  await expect(admin.getByText(BOB)).toHaveCount(0);
  await expectNoAxeViolations(admin);
});
