import { readFile } from "node:fs/promises";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { expectNoAxeViolations, parseCsv, signIn } from "./fixtures";

/** Issue 10: a console that feels finished. One test per numbered point (or more). */

const PHONE = { width: 390, height: 844 };
/** Developer text that must never reach the screen (R-UX-2). */
const DEVELOPER_TEXT =
  /✖|→ at|Unable to transform|Minified React|ZodError|INVALID_INPUT|expiresOn|accountId|fieldErrors/;

async function buy(page: Page, opts: { product?: string; amount: string; paymentType?: string }) {
  await page.goto("/orders");
  const form = page.getByRole("form", { name: "New order" });
  if (opts.product) await form.getByLabel("Product").selectOption({ label: opts.product });
  if (opts.paymentType) await form.getByLabel("Payment Type").selectOption(opts.paymentType);
  await form.getByLabel("Order Amount (USD)").fill(opts.amount);
  await form.getByRole("button", { name: "Create order and pay" }).click();
  await expect(page.getByRole("heading", { name: "Payment" })).toBeVisible();
  return page.url().match(/orders\/([^/?]+)\/pay/)?.[1] ?? "";
}

async function expectNoDeveloperText(page: Page) {
  await expect(page.locator("body")).not.toContainText(DEVELOPER_TEXT);
}

async function signedIn(browser: Browser, email: string, viewport?: { width: number; height: number }) {
  const context = await browser.newContext(viewport ? { viewport } : {});
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

// 1
test("R-DET-4: a short history's chart draws every change (4 transactions, 4 points)", async ({ page }) => {
  await signIn(page, "alice@example.com");
  await page.goto("/coupons/CP-EQ1X-F0RM");
  const figure = page.getByRole("figure", { name: "Balance over time" });
  await expect(figure.locator("figcaption")).toHaveAttribute("data-points", "4");
  await expect(figure.locator("figcaption")).toContainText("4 points: the balance went from $123.45");
  await expect(figure.locator(".recharts-area-dot")).toHaveCount(4);
});

// 3
test("R-REF-1 R-REF-5: Unsubscribe is a dialog: focus inside, Escape closes, the split shown before a second confirmation", async ({
  page,
}) => {
  await signIn(page, "alice@example.com");
  const orderId = await buy(page, { product: "Object Storage Service (OSS)", amount: "8.00" });
  const voucherId = await page
    .getByRole("group", { name: "Vouchers" })
    .getByRole("radio", { checked: true })
    .getAttribute("value");
  await page.getByRole("button", { name: "Confirm and pay" }).click();
  await expect(page.getByRole("heading", { name: `Order ${orderId} is paid` })).toBeVisible();
  await page.goto("/orders");
  const open = page.getByRole("button", { name: `Unsubscribe order ${orderId}` });
  await open.click();
  const dialog = page.getByRole("dialog", { name: `Unsubscribe order ${orderId}` });
  await expect(dialog).toBeVisible();
  // The default is what can still be refunded: the whole order.
  await expect(dialog.getByLabel("Refund amount (USD)")).toHaveValue("8.00");
  await expect(dialog.getByLabel("Refund amount (USD)")).toBeFocused();
  // Focus stays in the dialog.
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(open).toBeFocused();

  await open.click();
  await dialog.getByLabel("Refund amount (USD)").fill("9.00");
  await dialog.getByRole("button", { name: "Review refund" }).click();
  await expect(dialog.getByText("Enter at most $8.00, the amount you can still get back.")).toBeVisible();
  await dialog.getByLabel("Refund amount (USD)").fill("4.00");
  await dialog.getByRole("button", { name: "Review refund" }).click();
  const split = dialog.getByRole("definition");
  await expect(dialog.getByText("Cash back to you")).toBeVisible();
  await expect(split.nth(1)).toHaveText("$0.00");
  await expect(dialog.getByText(`Voucher part, back to ${voucherId}`)).toBeVisible();
  await expect(split.nth(2)).toHaveText("$4.00");
  await expect(dialog).toContainText(
    /Rule in force since [A-Z][a-z]{2} \d{1,2}, \d{4} \d{2}:\d{2}:\d{2} UTC\+8/,
  );
  // Nothing has happened yet: the order is still Paid.
  await expectNoAxeViolations(page);
  await dialog.getByRole("button", { name: "Confirm refund of $4.00" }).click();
  await expect(dialog.getByRole("status")).toHaveText(
    "Refunded $4.00: $0.00 in cash, $4.00 back to the voucher.",
  );
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(page.getByRole("row", { name: new RegExp(orderId) })).toContainText("Partially Refunded");
});

// 4
test("R-UX-2 R-LIST-2: a bad cursor or an unknown status says the link is out of date and keeps the valid filters", async ({
  page,
}) => {
  await signIn(page, "alice@example.com");
  await page.goto("/coupons?type=cash&cursor=garbage");
  const alert = page.getByRole("main").getByRole("alert");
  await expect(alert).toContainText("This link is out of date.");
  await expect(alert.getByRole("link", { name: "Show the first page" })).toHaveAttribute(
    "href",
    "/coupons?type=cash",
  );
  await expectNoDeveloperText(page);
  await page.goto("/coupons?status=bogus&q=CP-EQ1X");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("This link is out of date.");
  await page.getByRole("link", { name: "Show the first page" }).click();
  await expect(page).toHaveURL(/\/coupons\?q=CP-EQ1X$/);
  await expect(page.getByRole("cell", { name: /^CP-EQ1X-F0RM/ })).toBeVisible();
  await page.goto("/coupons?account=5000000000000204");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("This link is out of date.");
  await expectNoDeveloperText(page);
});

// 5
test.describe("R-UX-2: errors are sentences next to their field; a server failure says nothing changed", () => {
  test("R-UX-2: a typed amount that is not money gets a sentence beside the field", async ({ page }) => {
    await signIn(page, "alice@example.com");
    await page.goto("/orders");
    const form = page.getByRole("form", { name: "New order" });
    const amount = form.getByLabel("Order Amount (USD)");
    await amount.fill("12,5");
    await form.getByRole("button", { name: "Create order and pay" }).click();
    await expect(amount).toHaveAttribute("aria-invalid", "true");
    await expect(amount).toHaveAccessibleDescription(
      "Use commas only between groups of three digits, like 1,234.56.",
    );
    await amount.fill("-3");
    await form.getByRole("button", { name: "Create order and pay" }).click();
    await expect(amount).toHaveAccessibleDescription("Enter an amount without a minus sign.");
    await expectNoDeveloperText(page);
  });

  test("R-UX-2: operator issuance: dates the wrong way round and no account are worded beside the fields", async ({
    page,
  }) => {
    await signIn(page, "operator@example.com");
    await page.goto("/operator");
    const form = page.getByRole("form", { name: "Issue a voucher" });
    await expect(form.getByLabel("Account")).toHaveValue("");
    const options = await form.getByLabel("Account").locator("option").allTextContents();
    expect(options.some((o) => /\b1 coupons\b/.test(o))).toBe(false);
    await form.getByLabel(/Nominal value/).fill("10.00");
    await form.getByLabel("Effective from (your time zone, Asia/Shanghai)").fill("2027-03-10");
    await form.getByLabel("Expires at the end of (your time zone, Asia/Shanghai)").fill("2027-03-01");
    await form.getByRole("button", { name: "Issue voucher" }).click();
    await expect(form.getByLabel("Account")).toHaveAccessibleDescription(
      "Choose the account to issue the voucher to.",
    );
    await expect(
      form.getByLabel("Expires at the end of (your time zone, Asia/Shanghai)"),
    ).toHaveAccessibleDescription("The last day must be on or after the first day.");
    await expectNoDeveloperText(page);
    await expectNoAxeViolations(page);
  });

  test("R-UX-2: a server failure says nothing was changed and offers to try again", async ({ page }) => {
    await signIn(page, "alice@example.com");
    await page.goto("/orders");
    let failures = 1;
    await page.route("**/api/trpc/orders.create**", async (route) => {
      if (failures-- > 0) {
        await route.fulfill({
          status: 500,
          contentType: "text/html",
          body: "<html>Internal Server Error</html>",
        });
      } else await route.fallback();
    });
    const form = page.getByRole("form", { name: "New order" });
    await form.getByLabel("Order Amount (USD)").fill("3.00");
    await form.getByRole("button", { name: "Create order and pay" }).click();
    const alert = form.getByRole("alert");
    await expect(alert).toContainText("Nothing was changed");
    await expectNoDeveloperText(page);
    await alert.getByRole("button", { name: "Try again" }).click();
    await form.getByRole("button", { name: "Create order and pay" }).click();
    await expect(page.getByRole("heading", { name: "Payment" })).toBeVisible();
  });

  test("R-UX-2: a member UID that does not exist is a sentence, not a code", async ({ page }) => {
    await signIn(page, "admin@acme.example");
    await page.goto("/enterprise");
    await page.getByLabel("Member account UID").fill("9999999999999999");
    await page.getByRole("button", { name: "Invite" }).click();
    await expect(
      page.getByRole("region", { name: "Members and financial management" }).getByRole("alert"),
    ).toHaveText("Account not found.");
    await expectNoDeveloperText(page);
  });
});

// 6
test("R-MATCH-7: after the chosen voucher changed, the choice is kept, its new deduction shown, and Pay needs a fresh confirmation", async ({
  browser,
}) => {
  const a = await signedIn(browser, "alice@example.com");
  const orderA = await buy(a, { product: "Object Storage Service (OSS)", amount: "9999.00" });
  // Choose a voucher that covers less than the order (its deduction is its whole balance), not the default.
  const fieldset = a.getByRole("group", { name: "Vouchers" });
  const showAll = a.getByRole("button", { name: /^Show all \d+ applicable vouchers$/ });
  if (await showAll.isVisible()) await showAll.click();
  const cents = (t: string) => Math.round(Number(t.replace(/[^\d.]/g, "")) * 100);
  const options = await fieldset
    .locator("label")
    .evaluateAll((ls) =>
      ls.map((l) => ({ id: l.querySelector("input")?.value ?? "", text: l.textContent ?? "" })),
    );
  const pick = options
    .slice(1)
    .map((o) => ({ id: o.id, deduction: cents(o.text.match(/−\$[\d,.]+/)?.[0] ?? "") }))
    .filter((v) => v.id && v.deduction > 200 && v.deduction < 999_900);
  // The other tab's $1.00 order must be able to use it too (no limit on order amount above $1.00).
  const b = await a.context().newPage();
  await buy(b, { product: "Object Storage Service (OSS)", amount: "1.00" });
  const showAllB = b.getByRole("button", { name: /^Show all \d+ applicable vouchers$/ });
  if (await showAllB.isVisible()) await showAllB.click();
  const usableInB = new Set(
    await b
      .getByRole("group", { name: "Vouchers" })
      .getByRole("radio")
      .evaluateAll((rs) => rs.map((r) => (r as HTMLInputElement).value)),
  );
  const chosen = pick.find((v) => usableInB.has(v.id ?? ""))?.id ?? "";
  expect(chosen).toMatch(/^CP-/);
  await a.locator(`input[type="radio"][value="${chosen}"]`).check();
  const before = (await a.getByTestId("deduction").textContent()) ?? "";

  // Meanwhile the other tab spends $1.00 of that voucher.
  await b.locator(`input[type="radio"][value="${chosen}"]`).check();
  await b.getByRole("button", { name: "Confirm and pay" }).click();
  await expect(b.getByRole("heading", { name: /is paid$/ })).toBeVisible();

  await a.getByRole("button", { name: "Confirm and pay" }).click();
  const notice = a.getByRole("alert").filter({ hasText: `The balance of ${chosen} changed` });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText("Nothing was charged");
  // Still the user's voucher, now deducting $1.00 less; the order is not paid.
  await expect(a.locator(`input[type="radio"][value="${chosen}"]`)).toBeChecked();
  await expect
    .poll(async () => cents((await a.getByTestId("deduction").textContent()) ?? ""))
    .toBe(cents(before) - 100);
  await expect(a.getByRole("heading", { name: `Order ${orderA} is paid` })).toHaveCount(0);
  await a.getByRole("button", { name: "Confirm and pay" }).click();
  await expect(a.getByRole("heading", { name: `Order ${orderA} is paid` })).toBeVisible();
  await expect(a.getByRole("link", { name: `See the deduction on ${chosen}` })).toBeVisible();
});

// 7
test("R-POOL-5 R-UX-2: the audit log reads as sentences with names and money; the CSV adds them beside the machine columns", async ({
  page,
}) => {
  await signIn(page, "admin@acme.example");
  await page.goto("/quota-pool");
  const audit = page.getByRole("region", { name: "Audit log", exact: true });
  await expect(audit.getByText("Generated voucher CP-POOL-0102 of $2,000.00.")).toBeVisible();
  await expect(
    audit.getByText("Reclaimed the remaining $380.00 of voucher CP-POOL-0103 into the pool."),
  ).toBeVisible();
  await expect(audit).not.toContainText(/poolId|amountMinor|sharedWith|pool\.generate/);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    audit.getByRole("link", { name: "Export audit log (CSV)" }).click(),
  ]);
  const csv = parseCsv((await readFile((await download.path()) as string, "utf8")).replace(/^\uFEFF/, ""));
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
  const generated = csv.find((r) => r[2] === "pool.generate" && r[4] === "CP-POOL-0102");
  expect(generated?.[8]).toBe("Generated voucher CP-POOL-0102 of $2,000.00.");
});

// 8
test("R-LIST-4 R-POOL-3: Bob's totals include the vouchers shared with him and say what each counts", async ({
  page,
}) => {
  await signIn(page, "bob@acme.example");
  const totals = page.getByRole("region", { name: "Totals" });
  await expect(totals).toContainText("Available to spend");
  const note = (await totals.getByText(/shared with you \(\$/).textContent()) ?? "";
  const shared = Number(note.match(/shared with you \(\$([\d,.]+)\)/)?.[1]?.replace(/,/g, ""));
  expect(shared).toBeGreaterThan(1000);
  const spend = Number(
    (
      (await totals
        .getByText(/^\$[\d,.]+$/)
        .first()
        .textContent()) ?? ""
    ).replace(/[$,]/g, ""),
  );
  expect(spend).toBeGreaterThan(shared);
  await expect(totals).toContainText("Not affected by the filters.");
  await expect(totals).toContainText("used up and expired too");
});

// 10
test("R-MATCH-6 R-MATCH-8: 'Do not use a voucher' survives a reload; a renewal waiting for payment is offered, not made again", async ({
  page,
}) => {
  await signIn(page, "alice@example.com");
  const orderId = await buy(page, { product: "ApsaraDB RDS", amount: "2.00" });
  await page.getByRole("radio", { name: "Do not use a voucher" }).check();
  await expect(page).toHaveURL(/voucher=none/);
  await page.reload();
  await expect(page.getByRole("radio", { name: "Do not use a voucher" })).toBeChecked();
  await expect(page.getByTestId("amount-due")).toHaveText("$2.00");
  await page.getByRole("button", { name: "Confirm and pay" }).click();
  await expect(page.getByRole("heading", { name: `Order ${orderId} is paid` })).toBeVisible();
  await page.goto("/orders");
  await page.getByRole("button", { name: `Renew order ${orderId}` }).click();
  await expect(page.getByRole("heading", { name: "Payment" })).toBeVisible();
  const renewal = page.url().match(/orders\/([^/?]+)\/pay/)?.[1] ?? "";
  await page.goto("/orders");
  await expect(page.getByRole("button", { name: `Renew order ${orderId}` })).toHaveCount(0);
  await page.getByRole("link", { name: `Pay the renewal of order ${orderId} (${renewal})` }).click();
  await expect(page).toHaveURL(new RegExp(`/orders/${renewal}/pay`));
  // A pending order can be cancelled (after a confirmation); it then cannot be paid.
  await page.goto("/orders");
  page.once("dialog", (d) => d.accept());
  await page.getByRole("button", { name: `Cancel order ${renewal}` }).click();
  const row = page.getByRole("row").filter({ hasText: renewal });
  await expect(row).toContainText("Cancelled");
  await expect(page.getByRole("link", { name: `Pay order ${renewal}` })).toHaveCount(0);
});

// 11 and 12
test("R-MATCH-3 R-MATCH-4: recommended and 'Do not use' come first, a few more then 'Show all'; the rule is stated; reasons say what would apply", async ({
  page,
}) => {
  await signIn(page, "alice@example.com");
  await buy(page, { product: "Object Storage Service (OSS)", amount: "45.00" });
  const fieldset = page.getByRole("group", { name: "Vouchers" });
  await expect(fieldset).toContainText(
    "We recommend the one with the largest balance; on a tie, the one that expires first, then the one issued first.",
  );
  const radios = fieldset.getByRole("radio");
  await expect(radios.nth(0)).toBeChecked();
  await expect(radios.nth(1)).toHaveAccessibleName("Do not use a voucher");
  const showAll = page.getByRole("button", { name: /^Show all (\d+) applicable vouchers$/ });
  await expect(showAll).toBeVisible();
  const total = Number((await showAll.textContent())?.match(/\d+/)?.[0]);
  await expect(radios).toHaveCount(6);
  await showAll.click();
  await expect(radios).toHaveCount(total + 1);
  // The summary and Pay stay in view at the bottom of a long list.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await expect(page.getByRole("button", { name: "Confirm and pay" })).toBeInViewport();
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(page.getByRole("button", { name: "Confirm and pay" })).toBeInViewport();

  await buy(page, { product: "Cloud OS", amount: "20.00" });
  await page.getByText(/^Unavailable vouchers \(\d+\)$/).click();
  const unavailable = page.getByRole("group", { name: "Vouchers" });
  await expect(
    unavailable.getByText("Applies to orders of $500.00 or more; this order is $20.00.").first(),
  ).toBeVisible();
  await expect(
    unavailable.getByText(/^Expired on [A-Z][a-z]{2} \d{1,2}, \d{4} \d{2}:\d{2}:\d{2} UTC\+8\.$/).first(),
  ).toBeVisible();
  await expect(unavailable.getByText(/^Covers .+ only; this order is for Cloud OS\.$/).first()).toBeVisible();
  await expect(
    unavailable.getByText(/^Applies to Renewal only; this order is a New Purchase\.$/).first(),
  ).toBeVisible();
  // 9: discount coupons are listed as unavailable, saying why (decision 013).
  await expect(unavailable.getByText("CP-DISC-0012")).toBeVisible();
  await expect(
    unavailable
      .getByText("A discount coupon takes a percentage off when an order is placed; it cannot pay an order.")
      .first(),
  ).toBeVisible();
});

// 13
test("R-LIST-1 R-LIST-3: Applicable Scope and Issued columns, Previous page, the 7-day chip and highlight", async ({
  page,
}) => {
  await signIn(page, "alice@example.com");
  const table = page.getByRole("table");
  await expect(table.getByRole("columnheader", { name: "Applicable Scope" })).toBeVisible();
  await expect(table.getByRole("columnheader", { name: /^Issued/ })).toHaveAttribute(
    "aria-sort",
    "descending",
  );
  const ids = () =>
    page
      .locator("tbody tr td:first-child")
      .evaluateAll((tds) => tds.map((td) => td.firstChild?.textContent ?? ""));
  const first = await ids();
  await page.getByRole("button", { name: "Next page" }).click();
  await expect(page).toHaveURL(/cursor=/);
  await expect(page.getByRole("button", { name: "Previous page" })).toBeVisible();
  // Each page is waited for before the next click: a click on the old page's button would repeat it.
  await expect.poll(async () => (await ids())[0]).not.toBe(first[0]);
  const second = await ids();
  await page.getByRole("button", { name: "Next page" }).click();
  await expect.poll(async () => (await ids())[0]).not.toBe(second[0]);
  await page.getByRole("button", { name: "Previous page" }).click();
  await expect.poll(async () => await ids()).toEqual(second);
  await page.getByRole("button", { name: "Previous page" }).click();
  await expect(page).not.toHaveURL(/cursor=/);
  await expect.poll(async () => await ids()).toEqual(first);

  // A filter shows the choice and "Loading…" at once, while the (here slowed) new page loads.
  await page.route(/\/coupons\?.*status=expired/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.fallback();
  });
  await page.getByLabel("Status").selectOption("expired");
  await expect(page.getByLabel("Status")).toHaveValue("expired");
  await expect(page.getByRole("status").filter({ hasText: "Loading…" })).toBeVisible();
  await expect(page).toHaveURL(/status=expired/);
  await expect(page.getByRole("status").filter({ hasText: "Loading…" })).toHaveCount(0);
  await page.goto("/coupons");

  const chip = page.getByRole("button", { name: "Expiring within 7 days" });
  await expect(chip).toHaveAttribute("aria-pressed", "false");
  await chip.click();
  await expect(page).toHaveURL(/exp=7/);
  await expect(chip).toHaveAttribute("aria-pressed", "true");
  const rows = page.locator("tbody tr");
  await expect(rows.first()).toHaveAttribute("data-expiring-soon", "true");
  await expect(rows.first()).toContainText(/Expires (in \d+ days|within a day)/);
  await expectNoAxeViolations(page);
  await page.goto("/coupons?q=CP-RNWL");
  await expect(page.getByRole("row").filter({ hasText: "CP-RNWL-0001" })).toContainText("Renewal");
});

// 14
test("R-DET-1 R-DET-2: the deduction table has the CSV's columns; IDs link; the Account column names the account", async ({
  page,
}) => {
  await signIn(page, "alice@example.com");
  await page.goto("/coupons/CP-EQ1X-F0RM");
  const headers = await page.getByRole("table").getByRole("columnheader").allInnerTexts();
  expect(
    headers.map((h) =>
      h
        .replace(/ \(UTC.*$/, "")
        .replace(" ↓", "")
        .toLowerCase(),
    ),
  ).toEqual([
    "time",
    "transaction type",
    "deducted amount",
    "credited amount",
    "order/bill id",
    "account",
    "balance after",
    "note",
  ]);
  await expect(
    page.getByText("Newest first. The CSV export has the same columns, oldest first."),
  ).toBeVisible();
  const link = page.getByRole("link", { name: "ORD-202600501" });
  await expect(link).toHaveAttribute("href", "/orders/ORD-202600501/pay");
  await expect(page.getByRole("row").filter({ hasText: "ORD-202600501" })).toContainText("Alice Chen");
  await expect(page).toHaveTitle(/CP-EQ1X-F0RM/);
});

// 15
test("R-UX-1: unknown URLs are a 404 inside the console; favicon; titles; print without navigation or buttons", async ({
  page,
}) => {
  await signIn(page, "alice@example.com");
  const res = await page.goto("/nothing/here");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Console" })).toBeVisible();
  expect((await page.request.get("/icon.svg")).status()).toBe(200);
  await expect(page.locator('link[rel="icon"]')).toHaveCount(1);
  const orderId = await buy(page, { amount: "1.00" });
  await expect(page).toHaveTitle(new RegExp(`Pay order ${orderId}`));
  await page.goto("/coupons/CP-EQ1X-F0RM");
  await page.emulateMedia({ media: "print" });
  await expect(page.getByRole("navigation", { name: "Console" })).toBeHidden();
  await expect(page.getByRole("link", { name: "Export CSV" })).toBeHidden();
  await expect(page.getByRole("heading", { name: "Coupon Deduction Details" })).toBeVisible();
});

test("R-ENT-1 R-ENT-3: removing a member and revoking a permission ask first; buttons show words, IDs stay in labels", async ({
  page,
}) => {
  await signIn(page, "admin@acme.example");
  await page.goto("/enterprise");
  const remove = page.getByRole("button", { name: /^Remove Dave Zhou.*\(UID 5000000000000204\)$/ });
  await expect(remove).toHaveText("Remove");
  await remove.click();
  const dialog = page.getByRole("dialog", { name: /^Remove Dave Zhou.*\?$/ });
  await expect(dialog).toBeVisible();
  await expectNoAxeViolations(page);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("row").filter({ hasText: "5000000000000204" })).toBeVisible();

  const perm = page.getByRole("checkbox", { name: "Coupon Quota Pool for finance@acme.example" });
  await perm.uncheck({ trial: true });
  await perm.click();
  const revoke = page.getByRole("dialog", { name: "Revoke Coupon Quota Pool?" });
  await expect(revoke).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(revoke).toBeHidden();
  await expect(perm).toBeChecked();
});

test.describe("phone", () => {
  test.use({ viewport: PHONE });

  test("R-UX-1 R-UX-2: on a phone the bad-link page, the unsubscribe dialog and the 404 fit the screen", async ({
    page,
  }) => {
    await signIn(page, "alice@example.com");
    for (const url of ["/coupons?cursor=garbage", "/nothing/here"]) {
      await page.goto(url);
      const width = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
      expect(width).toBe(true);
    }
    await page.goto("/coupons?cursor=garbage");
    await expect(page.getByRole("main").getByRole("alert")).toContainText("This link is out of date.");
    await page.goto("/orders");
    await page
      .getByRole("button", { name: /^Unsubscribe order / })
      .first()
      .click();
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeInViewport();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await expectNoAxeViolations(page);
  });
});
