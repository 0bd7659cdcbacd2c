import { expect, test } from "@playwright/test";
import { expectNoAxeViolations, signIn } from "./fixtures";

/**
 * R-NOTIFY-1 and R-FORECAST-1 in the browser: the server's job ran the expiry scan at start-up over
 * the demo world, so Alice has notices of vouchers that expire within 30 days.
 */
test("R-NOTIFY-1: the bell shows the unread count, opens the list, links to the voucher, marks read", async ({
  page,
}) => {
  test.slow(); // many steps, on a shared machine
  await signIn(page, "alice@example.com");
  const bell = page.getByRole("button", { name: /^Notifications \(\d+ unread\)$/ });
  await expect(bell).toBeVisible();
  const before = Number((await page.getByTestId("unread-count").textContent()) ?? "0");
  expect(before).toBeGreaterThan(0);

  await bell.click();
  await expect(bell).toHaveAttribute("aria-expanded", "true");
  const panel = page.getByRole("region", { name: "Notifications" });
  await expect(panel.getByText(/\(\$[\d,.]+ left\) expires in \d+ days?/).first()).toBeVisible();
  await expectNoAxeViolations(page);

  // Mark one read: the count drops by one.
  await panel
    .getByRole("button", { name: /^Mark the notice about CP-/ })
    .first()
    .click();
  await expect(page.getByRole("button", { name: `Notifications (${before - 1} unread)` })).toBeVisible();

  // Escape closes the panel and gives focus back to the bell.
  await page.keyboard.press("Escape");
  await expect(panel).toBeHidden();
  await expect(bell).toBeFocused();

  // The link goes to the voucher's details.
  await bell.click();
  const link = panel.getByRole("link", { name: /^View voucher CP-/ }).first();
  const id = ((await link.textContent()) ?? "").replace("View voucher ", "");
  await link.click();
  await expect(page).toHaveURL(new RegExp(`/coupons/${id}$`));

  // The full list and the email preference.
  await page.goto("/notifications");
  await expect(page.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
  await page.getByRole("radio", { name: "As they happen" }).check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved.");
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Mark all as read" }).first().click();
  await expect(page.getByRole("button", { name: "Notifications (no unread)" })).toBeVisible();
});

// Dave is the one demo customer who spends nothing and for whom no other spec pays: his $30.00 voucher,
// expiring in 15 days, is forecast to expire unused in full whatever ran before (Alice's forecast moves
// with every payment the other specs make).
test("R-FORECAST-1: the Coupons tab forecasts balance that will expire unused, in total and per voucher", async ({
  page,
}) => {
  await signIn(page, "dave@acme.example");
  const forecast = page.getByRole("region", { name: "Balance that may expire unused" });
  await expect(
    forecast.getByText(
      /^At your spending of the last 30 days, \$30\.00 of your balance will expire unused by /,
    ),
  ).toBeVisible();
  await expect(forecast.getByText("Spent with vouchers in the last 30 days: $0.00.")).toBeVisible();
  await forecast.getByText(/^By voucher \(1\)/).click();
  await expect(forecast.getByRole("columnheader", { name: "Expires unused" })).toBeVisible();
  await expect(forecast.getByRole("row", { name: /^CP-DAVE-0400 \$30\.00 .+ \$30\.00$/ })).toBeVisible();
  await expectNoAxeViolations(page);
});

test("R-FORECAST-1: the payment page marks a voucher that expires within 7 days, and keeps the rule's default", async ({
  page,
}) => {
  await signIn(page, "alice@example.com");
  await page.goto("/orders");
  const form = page.getByRole("form", { name: "New order" });
  await form.getByLabel("Product").selectOption({ label: "Domains" });
  await form.getByLabel("Order Amount (USD)").fill("3.00");
  await form.getByRole("button", { name: "Create order and pay" }).click();
  await expect(page.getByRole("heading", { name: "Payment" })).toBeVisible();
  const vouchers = page.getByRole("group", { name: "Vouchers" });
  const showAll = page.getByRole("button", { name: /^Show all \d+ applicable vouchers$/ });
  if (await showAll.isVisible()) await showAll.click();
  // CP-DOMN-0005 (Domains and Email) ends in 3 days: marked. The general voucher CP-7Q2M-9XK4 has months.
  const soon = vouchers.locator("label").filter({ has: page.locator('input[value="CP-DOMN-0005"]') });
  const later = vouchers.locator("label").filter({ has: page.locator('input[value="CP-7Q2M-9XK4"]') });
  await expect(soon.getByText("Expires soon — use this first?")).toBeVisible();
  await expect(later).toBeVisible();
  await expect(later.getByText("Expires soon — use this first?")).toHaveCount(0);
  // The hint changes no choice: the default is the one the server recommends (R-MATCH-4).
  const recommended = await vouchers.getByRole("radio", { checked: true }).getAttribute("value");
  const badge = vouchers.locator("label").filter({ has: page.locator(`input[value="${recommended}"]`) });
  await expect(badge.getByText("Recommended")).toBeVisible();
  await expectNoAxeViolations(page);
});
