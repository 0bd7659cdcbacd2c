import { type Browser, expect, type Page, test } from "@playwright/test";
import { cents, expectNoAxeViolations, parseCsv, signIn } from "./fixtures";

const BOB = "5000000000000202";
const CAROL = "5000000000000203";

async function signedIn(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

/** A member buys an ECS order and pays part of it with the given shared pool voucher. */
async function payPartWith(page: Page, voucherId: string, amount: string) {
  await page.goto("/orders");
  const form = page.getByRole("form", { name: "New order" });
  await form.getByLabel("Product").selectOption({ label: "Elastic Compute Service (ECS)" });
  await form.getByLabel("Order Amount (USD)").fill(amount);
  await form.getByRole("button", { name: "Create order and pay" }).click();
  await expect(page.getByRole("heading", { name: "Payment" })).toBeVisible();
  const orderId = page.url().match(/orders\/([^/]+)\/pay/)?.[1] ?? "";
  // The shared voucher is offered; it is not the default (a larger shared one is), so pick it.
  const radio = page
    .getByRole("group", { name: "Vouchers" })
    .locator(`input[type="radio"][value="${voucherId}"]`);
  await radio.check();
  await expect(page.getByTestId("deduction")).toHaveText(`−$${amount}`);
  await page.getByRole("button", { name: "Confirm and pay" }).click();
  await expect(page.getByRole("heading", { name: `Order ${orderId} is paid` })).toBeVisible();
  return orderId;
}

const money = (text: string | null) => cents((text ?? "").replace(/[$,]/g, ""));

test("R-POOL-1..5 R-ENT-1: generate a pool voucher shared by Bob and Carol, both pay, admin reclaims, audit lists it all", async ({
  browser,
}) => {
  const admin = await signedIn(browser, "admin@acme.example");
  await admin.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Quota Pool" }).click();
  await expect(admin.getByRole("heading", { name: "Coupon Quota Pool" })).toBeVisible();
  const funds0 = money(await admin.getByTestId("pool-funds").textContent());
  expect(funds0).toBeGreaterThan(4000);
  await expectNoAxeViolations(admin);

  // Generate one 40.00 voucher shared with Bob and Carol.
  const gen = admin.getByRole("form", { name: "Generate vouchers" });
  await gen.getByLabel("Amount per voucher (USD)").fill("40.00");
  await gen.getByLabel("Description").fill("e2e team budget");
  await gen.getByRole("checkbox", { name: `Bob Li (Acme) (UID ${BOB})` }).check();
  await gen.getByRole("checkbox", { name: `Carol Wang (Acme) (UID ${CAROL})` }).check();
  await gen.getByRole("button", { name: "Generate vouchers" }).click();
  const done = admin.getByRole("status").filter({ hasText: "Generated" });
  await expect(done).toBeVisible();
  const voucherId = (await done.getByRole("link").first().textContent()) ?? "";
  expect(voucherId).toMatch(/^CP-/);
  await expect(admin.getByTestId("pool-funds")).toHaveText(
    `$${((funds0 - 4000) / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`,
  );

  // Bob and Carol pay part each, in their own browser contexts.
  const bob = await signedIn(browser, "bob@acme.example");
  const carol = await signedIn(browser, "carol@acme.example");
  await expect(bob.getByRole("link", { name: "Quota Pool" })).toHaveCount(0);
  const bobOrder = await payPartWith(bob, voucherId, "10.00");
  const carolOrder = await payPartWith(carol, voucherId, "7.50");

  // The voucher's details show both accounts, as sharers and in the deduction table.
  await admin.goto(`/coupons/${voucherId}`);
  await expect(admin.getByText(`Bob Li (Acme) (UID ${BOB}), Carol Wang (Acme) (UID ${CAROL})`)).toBeVisible();
  const bobRow = admin.getByRole("row").filter({ hasText: bobOrder });
  const carolRow = admin.getByRole("row").filter({ hasText: carolOrder });
  await expect(bobRow).toContainText(BOB);
  await expect(bobRow).toContainText("10.00");
  await expect(carolRow).toContainText(CAROL);
  await expect(carolRow).toContainText("7.50");
  await expectNoAxeViolations(admin);

  // Reclaim, with a confirm step: 22.50 goes back to the pool.
  await admin.goto("/quota-pool");
  const row = admin
    .getByRole("region", { name: "Generated vouchers" })
    .getByRole("row")
    .filter({ hasText: voucherId });
  await expect(row).toContainText("$22.50");
  await row.getByRole("button", { name: `Reclaim ${voucherId}` }).click();
  await expect(row.getByText("Reclaim the remaining $22.50")).toBeVisible();
  await expectNoAxeViolations(admin);
  await row.getByRole("button", { name: `Confirm reclaim of ${voucherId}` }).click();
  await expect(row.getByText("Reclaimed", { exact: true })).toBeVisible();
  const expected = funds0 - 4000 + 2250;
  await expect(admin.getByTestId("pool-funds")).toHaveText(
    `$${(expected / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`,
  );
  await expect(row.getByRole("button", { name: `Reclaim ${voucherId}` })).toHaveCount(0);

  // The audit log lists it all; the export holds the same.
  const audit = admin.getByRole("region", { name: "Audit log" });
  await expect(
    audit.getByText(`Reclaimed the remaining $22.50 of voucher ${voucherId} into the pool.`),
  ).toBeVisible();
  await expect(
    audit.getByText(
      `Generated voucher ${voucherId} of $40.00, shared with Bob Li (Acme) (UID ${BOB}) and Carol Wang (Acme) (UID ${CAROL}).`,
    ),
  ).toBeVisible();
  const [download] = await Promise.all([
    admin.waitForEvent("download"),
    audit.getByRole("link", { name: "Export audit log (CSV)" }).click(),
  ]);
  const path = await download.path();
  const { readFile } = await import("node:fs/promises");
  const csv = parseCsv((await readFile(path)).toString("utf8").replace(/^\uFEFF/, ""));
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
  const mine = csv.filter((r) => r[4] === voucherId).map((r) => [r[1], r[2], r[5], r[6]]);
  expect(mine).toEqual([
    ["admin@acme.example", "pool.generate", (funds0 / 100).toFixed(2), ((funds0 - 4000) / 100).toFixed(2)],
    ["admin@acme.example", "pool.reclaim", ((funds0 - 4000) / 100).toFixed(2), (expected / 100).toFixed(2)],
  ]);
});

test("R-ENT-1 R-ENT-3: the Enterprise Account Center shows members, management and permissions; members see their enterprise", async ({
  browser,
}) => {
  const admin = await signedIn(browser, "admin@acme.example");
  await admin.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Enterprise" }).click();
  await expect(admin.getByRole("heading", { name: "Enterprise Account Center" })).toBeVisible();
  const members = admin.getByRole("region", { name: "Members and financial management" });
  await expect(members.getByRole("row").filter({ hasText: BOB })).toContainText("Managed since");
  await expect(members.getByRole("row").filter({ hasText: "5000000000000204" })).toContainText("Not managed");
  await expect(
    admin.getByRole("checkbox", { name: "Coupon Quota Pool for finance@acme.example" }),
  ).toBeChecked();
  await expect(
    admin.getByRole("checkbox", { name: "Cards and Coupons for finance@acme.example" }),
  ).not.toBeChecked();
  await expectNoAxeViolations(admin);

  // Keyboard: focus the invite field and submit an unknown UID with Enter: a clear, announced error.
  await admin.getByLabel("Member account UID").focus();
  await admin.keyboard.type("9999999999999999");
  await admin.keyboard.press("Enter");
  await expect(members.getByRole("alert")).toHaveText("Account not found.");

  // Alice (no enterprise) is offered to enable it; the pool tells her to enable it first.
  const alice = await signedIn(browser, "alice@example.com");
  await alice.goto("/enterprise");
  await expect(alice.getByRole("button", { name: "Enable Enterprise Account Center" })).toBeVisible();
  await expectNoAxeViolations(alice);
  await alice.goto("/quota-pool");
  await expect(alice.getByRole("main").getByRole("alert")).toContainText(
    "Enable the Enterprise Account Center first",
  );

  // Bob is a member: he sees his enterprise, not the pool.
  const bob = await signedIn(browser, "bob@acme.example");
  await bob.goto("/enterprise");
  await expect(bob.getByText("Your account is a member of")).toBeVisible();
  await bob.goto("/quota-pool");
  await expect(bob.getByRole("main").getByRole("alert")).toContainText("Only administrators");
});
