import { expect, type Page, test } from "@playwright/test";
import { expectNoAxeViolations, signIn } from "./fixtures";

async function buy(
  page: Page,
  opts: { product?: string; amount: string; transactionType?: string; paymentType?: string },
) {
  await page.goto("/orders");
  const form = page.getByRole("form", { name: "New order" });
  if (opts.product) await form.getByLabel("Product").selectOption({ label: opts.product });
  if (opts.paymentType) await form.getByLabel("Payment Type").selectOption(opts.paymentType);
  if (opts.transactionType) await form.getByLabel("Transaction Type").selectOption(opts.transactionType);
  await form.getByLabel("Order Amount (USD)").fill(opts.amount);
  await form.getByRole("button", { name: "Create order and pay" }).click();
  await expect(page.getByRole("heading", { name: "Payment" })).toBeVisible();
  return page.url().match(/orders\/([^/]+)\/pay/)?.[1] ?? "";
}

test.beforeEach(async ({ page }) => {
  await signIn(page, "alice@example.com");
});

test("R-MATCH-1 R-MATCH-4 R-MATCH-5 R-MATCH-6: buy, pay with the default voucher, see the deduction in its history", async ({
  page,
}) => {
  const orderId = await buy(page, { product: "Elastic Compute Service (ECS)", amount: "12.34" });
  const fieldset = page.getByRole("group", { name: "Vouchers" });
  const recommended = fieldset.getByRole("radio", { checked: true });
  const voucherId = await recommended.getAttribute("value");
  expect(voucherId).toMatch(/^CP-/);
  await expect(page.getByTestId("deduction")).toHaveText("−$12.34");
  await expect(page.getByTestId("amount-due")).toHaveText("$0.00");
  await page.getByRole("button", { name: "Confirm and pay" }).click();
  await expect(page.getByRole("heading", { name: `Order ${orderId} is paid` })).toBeVisible();
  await page.getByRole("link", { name: `See the deduction on ${voucherId}` }).click();
  await expect(page.getByRole("cell", { name: orderId })).toBeVisible();
});

test("R-MATCH-4 R-MATCH-6: 'Do not use a voucher' and a non-default voucher update the amounts", async ({
  page,
}) => {
  const orderId = await buy(page, { product: "Object Storage Service (OSS)", amount: "45.00" });
  await page.getByRole("radio", { name: "Do not use a voucher" }).check();
  await expect(page.getByTestId("deduction")).toHaveText("−$0.00");
  await expect(page.getByTestId("amount-due")).toHaveText("$45.00");
  // Pick another applicable voucher: the last one shown (after the recommended one and "Do not use").
  const radios = page.getByRole("group", { name: "Vouchers" }).getByRole("radio");
  const other = radios.last();
  const otherId = (await other.getAttribute("value")) ?? "";
  await other.check();
  const label =
    (await page.locator("label", { has: page.locator(`input[value="${otherId}"]`) }).textContent()) ?? "";
  const shown = label.match(/−\$([\d,.]+)/)?.[1] ?? "";
  await expect(page.getByTestId("deduction")).toHaveText(`−$${shown}`);
  await page.getByRole("button", { name: "Confirm and pay" }).click();
  await expect(page.getByRole("heading", { name: `Order ${orderId} is paid` })).toBeVisible();
  await expect(page.getByRole("link", { name: `See the deduction on ${otherId}` })).toBeVisible();
});

test("R-MATCH-3: the collapsed unavailable section gives each voucher's reason", async ({ page }) => {
  await buy(page, { product: "Cloud OS", amount: "20.00" });
  const details = page.getByText(/^Unavailable vouchers \(\d+\)$/);
  await details.click();
  await expect(page.getByText(/is excluded from general vouchers/).first()).toBeVisible();
  await expect(page.getByText("Expired").first()).toBeVisible();
  await expectNoAxeViolations(page);
});

test("R-MATCH-8: renewing a paid subscription opens the same payment page with renewal vouchers", async ({
  page,
}) => {
  const orderId = await buy(page, { product: "ApsaraDB RDS", amount: "3.00" });
  await page.getByRole("radio", { name: "Do not use a voucher" }).check();
  await page.getByRole("button", { name: "Confirm and pay" }).click();
  await expect(page.getByRole("heading", { name: `Order ${orderId} is paid` })).toBeVisible();
  await page.goto("/orders");
  await page.getByRole("button", { name: `Renew order ${orderId}` }).click();
  await expect(page.getByRole("heading", { name: "Payment" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Order information" })).toContainText("Renewal");
  // The renewals-only voucher applies here (among all the applicable ones).
  const showAll = page.getByRole("button", { name: /^Show all \d+ applicable vouchers$/ });
  if (await showAll.isVisible()) await showAll.click();
  await expect(page.getByRole("radio", { name: /CP-RNWL-0001/ })).toBeVisible();
});

test("R-MATCH-7: a double click on Confirm pays once", async ({ page }) => {
  const orderId = await buy(page, { product: "Email", amount: "1.11" });
  const voucherId = await page
    .getByRole("group", { name: "Vouchers" })
    .getByRole("radio", { checked: true })
    .getAttribute("value");
  await page.getByRole("button", { name: "Confirm and pay" }).dblclick();
  await expect(page.getByRole("heading", { name: `Order ${orderId} is paid` })).toBeVisible();
  await page.goto(`/coupons/${voucherId}`);
  await expect(page.getByRole("cell", { name: orderId })).toHaveCount(1);
});

test("R-A11Y-1: the payment page is axe-clean and payable with the keyboard alone", async ({ page }) => {
  const orderId = await buy(page, { product: "Domains", amount: "2.50" });
  await expectNoAxeViolations(page);
  // Move to the voucher choice, switch to "no voucher" with the arrow keys, then confirm.
  await page.getByRole("group", { name: "Vouchers" }).getByRole("radio", { checked: true }).focus();
  await page.keyboard.press("End");
  for (let i = 0; i < 60; i++) {
    const checked = await page.getByRole("radio", { name: "Do not use a voucher" }).isChecked();
    if (checked) break;
    await page.keyboard.press("ArrowDown");
  }
  await expect(page.getByTestId("amount-due")).toHaveText("$2.50");
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    const name = await page.evaluate(() => document.activeElement?.textContent ?? "");
    if (name.includes("Confirm and pay")) break;
  }
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: `Order ${orderId} is paid` })).toBeVisible();
});

test("R-REF-3 R-REF-5: unsubscribing half of a paid order returns the voucher's share to it; axe-clean", async ({
  page,
}) => {
  const orderId = await buy(page, { product: "Object Storage Service (OSS)", amount: "8.00" });
  const voucherId = await page
    .getByRole("group", { name: "Vouchers" })
    .getByRole("radio", { checked: true })
    .getAttribute("value");
  await page.getByRole("button", { name: "Confirm and pay" }).click();
  await expect(page.getByRole("heading", { name: `Order ${orderId} is paid` })).toBeVisible();
  await page.goto("/orders");
  await page.getByRole("button", { name: `Unsubscribe order ${orderId}` }).click();
  const dialog = page.getByRole("dialog", { name: `Unsubscribe order ${orderId}` });
  await dialog.getByLabel("Refund amount (USD)").fill("4.00");
  await expectNoAxeViolations(page);
  await dialog.getByRole("button", { name: "Review refund" }).click();
  await dialog.getByRole("button", { name: "Confirm refund of $4.00" }).click();
  // Paid wholly by the voucher: half of it goes back to the voucher, nothing in cash.
  await expect(dialog.getByRole("status")).toHaveText(
    "Refunded $4.00: $0.00 in cash, $4.00 back to the voucher.",
  );
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(page.getByRole("row", { name: new RegExp(orderId) })).toContainText("Partially Refunded");
  await page.goto(`/coupons/${voucherId}`);
  await expect(page.getByRole("row", { name: /Refund/ }).filter({ hasText: orderId })).toHaveCount(1);
});
