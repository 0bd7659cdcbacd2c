import { mkdir } from "node:fs/promises";
import { expect, type Page, test } from "@playwright/test";
import { expectNoAxeViolations, signIn } from "./fixtures";

/**
 * Every page at both sizes: no sideways scroll of the page (R-UX-1), axe-clean (R-A11Y-1).
 * With SCREENSHOTS=1 it also writes docs/img/<page>-<size>.png (linked from the README).
 */
const SIZES = [
  { name: "desktop", width: 1440, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

async function expectNoSidewaysScroll(page: Page) {
  const { scrollWidth, innerWidth, culprits } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    // The outermost elements that stick out, to name them in a failure.
    culprits: [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
      .filter(
        (el) => !el.parentElement || el.parentElement.getBoundingClientRect().right <= window.innerWidth + 1,
      )
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`.slice(0, 120)),
  }));
  expect(
    scrollWidth,
    `the page must not scroll sideways (${page.url()}: ${culprits.join(" | ")})`,
  ).toBeLessThanOrEqual(innerWidth);
}

/**
 * Script errors of each test's page. A hydration mismatch (React #418: the browser rendered other
 * text than the server, e.g. a time zone whose rules differ between Node's and Chromium's data) is
 * one: React throws the server's HTML away, and with it whatever the user already typed or chose.
 */
const pageErrors = new WeakMap<Page, string[]>();
test.beforeEach(({ page }) => {
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on("pageerror", (e) => errors.push(e.message));
});

async function check(page: Page, shot: string, size: string) {
  await page.waitForLoadState("load");
  expect(pageErrors.get(page) ?? [], `no script error on ${page.url()}`).toEqual([]);
  await expectNoSidewaysScroll(page);
  await expectNoAxeViolations(page);
  if (process.env.SCREENSHOTS) {
    await mkdir("docs/img", { recursive: true });
    await page.screenshot({ path: `docs/img/${shot}-${size}.png`, fullPage: size === "desktop" });
  }
}

async function createOrder(page: Page, amount: string) {
  await page.goto("/orders");
  const form = page.getByRole("form", { name: "New order" });
  await form.getByLabel("Product").selectOption({ label: "Object Storage Service (OSS)" });
  await form.getByLabel("Order Amount (USD)").fill(amount);
  await form.getByRole("button", { name: "Create order and pay" }).click();
  await expect(page.getByRole("heading", { name: "Payment" })).toBeVisible();
}

for (const size of SIZES) {
  const tag = size.name === "phone" ? "R-UX-1 " : "";
  test.describe(`${size.name} ${size.width}×${size.height}`, () => {
    test.use({ viewport: { width: size.width, height: size.height } });

    test(`${tag}R-A11Y-1: sign-in, customer pages and a missing page fit the screen and are axe-clean`, async ({
      page,
    }) => {
      await page.goto("/sign-in");
      await check(page, "sign-in", size.name);
      await signIn(page, "alice@example.com");
      await check(page, "coupons", size.name);
      await page.goto("/coupons/CP-EQ1X-F0RM");
      await expect(page.getByRole("heading", { name: "Coupon Deduction Details" })).toBeVisible();
      await expect(page.getByRole("figure", { name: "Balance over time" })).toBeVisible();
      await check(page, "coupon-details", size.name);
      await page.goto("/orders");
      await expect(page.getByRole("heading", { name: "Your orders" })).toBeVisible();
      await check(page, "orders", size.name);
      await page.goto("/bills");
      await expect(page.getByRole("heading", { name: "Bills", exact: true })).toBeVisible();
      await check(page, "bills", size.name);
      await page
        .getByRole("link", { name: /^Bill BILL-/ })
        .first()
        .click();
      await expect(page.getByRole("heading", { name: /^Bill BILL-/ })).toBeVisible();
      await check(page, "bill", size.name);
      await page.goto("/invoices");
      await expect(page.getByRole("heading", { name: "Invoices", exact: true })).toBeVisible();
      await check(page, "invoices", size.name);
      await createOrder(page, "45.00");
      await expect(page.getByRole("button", { name: "Confirm and pay" }).first()).toBeVisible();
      await check(page, "payment", size.name);
      await page.goto("/settings");
      await expect(page.getByRole("heading", { name: "Language and time zone" })).toBeVisible();
      await check(page, "settings", size.name);
      await page.goto("/no-such-page");
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      await check(page, "not-found", size.name);
    });

    test(`${tag}R-A11Y-1: enterprise, quota pool and operator pages fit the screen and are axe-clean`, async ({
      page,
    }) => {
      await signIn(page, "admin@acme.example");
      await page.goto("/coupons?account=all");
      await expect(page.getByRole("region", { name: "Totals" })).toBeVisible();
      await check(page, "coupons-all-accounts", size.name);
      await page.goto("/enterprise");
      await expect(page.getByRole("heading", { name: "Members and financial management" })).toBeVisible();
      await check(page, "enterprise", size.name);
      await page.goto("/quota-pool");
      await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
      await check(page, "quota-pool", size.name);
      await page.context().clearCookies();
      await signIn(page, "operator@example.com");
      await page.goto("/operator");
      await expect(page.getByRole("heading", { name: "Issue vouchers" })).toBeVisible();
      await check(page, "operator", size.name);
    });
  });
}

test.describe("phone 390×844", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("R-UX-1: the navigation sits behind a menu button that opens, moves focus and closes with Escape", async ({
    page,
  }) => {
    await signIn(page, "admin@acme.example");
    const nav = page.getByRole("navigation", { name: "Console" });
    await expect(nav).toBeHidden();
    const menu = page.getByRole("button", { name: "Menu" });
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await menu.click();
    await expect(nav).toBeVisible();
    await expect(nav.getByRole("link", { name: "Cards and Coupons" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(nav).toBeHidden();
    await expect(menu).toBeFocused();
    await menu.click();
    await nav.getByRole("link", { name: "Quota Pool" }).click();
    await expect(page.getByRole("heading", { name: "Coupon Quota Pool" })).toBeVisible();
    await expect(nav).toBeHidden();
  });

  test("R-UX-1: coupons are cards with whole amounts; the payment summary and Pay stay reachable", async ({
    page,
  }) => {
    await signIn(page, "alice@example.com");
    const cards = page.getByRole("list", { name: "Coupons" });
    await expect(cards.getByRole("listitem").first()).toBeVisible();
    await expect(page.getByRole("table")).toBeHidden();
    // Amounts are whole, not cut at the edge: each card's balance fits inside the card.
    const fits = await cards
      .getByRole("listitem")
      .first()
      .evaluate((li) => li.scrollWidth <= li.clientWidth);
    expect(fits).toBe(true);
    await createOrder(page, "45.00");
    // The pay bar is in view without scrolling, with the amount due.
    const bar = page.getByRole("region", { name: "Summary" });
    await expect(bar).toBeInViewport();
    await expect(bar.getByRole("button", { name: "Confirm and pay" })).toBeInViewport();
    await expectNoSidewaysScroll(page);
  });
});
