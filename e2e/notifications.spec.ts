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

// KNOWN BUG (issue 12, open): after the other specs' payments, the panel shows a total but no per-voucher
// list, so "By voucher" never appears; it passes alone. Fixme until the forecast's two parts agree.
test.fixme("R-FORECAST-1: the Coupons tab forecasts balance that will expire unused, in total and per voucher", async ({
  page,
}) => {
  await signIn(page, "alice@example.com");
  const forecast = page.getByRole("region", { name: "Balance that may expire unused" });
  await expect(forecast).toBeVisible();
  await expect(forecast.getByText(/At your spending of the last 30 days, /)).toBeVisible();
  await forecast.getByText(/^By voucher/).click();
  await expect(forecast.getByRole("columnheader", { name: "Expires unused" })).toBeVisible();
  await expectNoAxeViolations(page);
});
