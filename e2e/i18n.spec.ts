import { expect, type Page, test } from "@playwright/test";
import { expectNoAxeViolations, PASSWORD, parseCsv, signIn } from "./fixtures";

/**
 * R-I18N-1 and R-TZ-1 in the browser: the pay flow and the exports in Chinese with Asia/Tokyo and in
 * English with America/New_York; no English left on a Chinese page; axe clean in both. Each test puts
 * the user's language and zone back (other specs sign in as the same demo users).
 */

/** Words allowed on a Chinese page: abbreviations the console's Chinese also uses, currency and zone codes. */
const ALLOWED = new Set(["UID", "ID", "CSV", "USD", "UTC", "GMT", "ECS", "OSS", "RDS", "English"]);

/**
 * Visible English words on the page, outside IDs, amounts, e-mail addresses and what is marked
 * translate="no" (names and text people typed).
 */
async function englishWords(page: Page): Promise<string[]> {
  const text: string[] = await page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('[translate="no"], script, style, code, noscript, [hidden]')) continue;
      const style = getComputedStyle(el);
      const srOnly = el.closest(".sr-only") !== null;
      if (!srOnly && (style.display === "none" || style.visibility === "hidden")) continue;
      if (!srOnly && el.getClientRects().length === 0) continue;
      out.push(n.textContent ?? "");
    }
    // Accessible names people hear are text too.
    for (const el of document.querySelectorAll("[aria-label]")) out.push(el.getAttribute("aria-label") ?? "");
    return out;
  });
  const words: string[] = [];
  for (const chunk of text) {
    for (const raw of chunk.split(/[\s,;:()（）：；，。、·›→↓↑−–—"“”]+/)) {
      const token = raw.replace(/^[.!?']+|[.!?']+$/g, "");
      if (!/[A-Za-z]{2,}/.test(token)) continue;
      if (/\d/.test(token) || token.includes("@") || token.includes("/")) continue; // IDs, amounts, zones
      if (/^[A-Z0-9]+(-[A-Z0-9]+)+$/.test(token)) continue; // CP-7Q2M-9XK4, ORD-…
      const word = token.replace(/[^A-Za-z]/g, "");
      if (!ALLOWED.has(word)) words.push(token);
    }
  }
  return [...new Set(words)];
}

async function expectNoEnglish(page: Page) {
  await page.waitForLoadState("load");
  expect(await englishWords(page)).toEqual([]);
}

/** Sets the signed-in user's language and zone through the API the settings page uses. */
async function setPreferences(page: Page, prefs: { locale?: "en" | "zh" | null; timeZone?: string | null }) {
  const origin = new URL(page.url()).origin;
  const res = await page.request.post(`${origin}/api/trpc/me.update`, {
    data: prefs,
    headers: { "content-type": "application/json", origin },
  });
  expect(res.ok()).toBe(true);
}

// Whole flows with axe on several pages: longer than the default minute on a shared two-core box.
test.describe.configure({ timeout: 240_000 });

test.afterEach(async ({ page }) => {
  if (page.url().startsWith("http"))
    await setPreferences(page, { locale: null, timeZone: null }).catch(() => {});
  await page.context().clearCookies();
});

async function buyAndPay(
  page: Page,
  labels: {
    form: string;
    product: string;
    productOption: string;
    amount: string;
    create: string;
    pay: string;
    vouchers: string;
  },
) {
  await page.goto("/orders");
  const form = page.getByRole("form", { name: labels.form });
  await form.getByLabel(labels.product).selectOption({ label: labels.productOption });
  await form.getByLabel(labels.amount).fill("7.25");
  await form.getByRole("button", { name: labels.create }).click();
  await expect(page).toHaveURL(/\/orders\/[^/]+\/pay/);
  const orderId = page.url().match(/orders\/([^/]+)\/pay/)?.[1] ?? "";
  const recommended = page
    .getByRole("group", { name: labels.vouchers })
    .getByRole("radio", { checked: true });
  const voucherId = (await recommended.getAttribute("value")) ?? "";
  expect(voucherId).toMatch(/^CP-/);
  return { orderId, voucherId };
}

test("R-I18N-1 R-TZ-1: in Chinese with Asia/Tokyo: the pay flow, the voucher and list exports; no English left; axe clean", async ({
  page,
}) => {
  await signIn(page, "alice@example.com");
  // The switch in the top bar stores the language on the user.
  await page.getByRole("button", { name: "简体中文" }).click();
  await expect(page.getByRole("heading", { name: "优惠券", exact: true })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");

  await page.goto("/settings");
  await expect(page.getByRole("heading", { name: "语言和时区" })).toBeVisible();
  await page.getByLabel("时区").selectOption("Asia/Tokyo");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.getByRole("status").filter({ hasText: "已保存" })).toBeVisible();
  await expectNoEnglish(page);
  await expectNoAxeViolations(page);

  await page.goto("/coupons");
  await expect(page.getByRole("heading", { name: "优惠券", exact: true })).toBeVisible();
  await expectNoEnglish(page);
  await expectNoAxeViolations(page);

  await page.goto("/orders");
  await expectNoEnglish(page);
  const { orderId, voucherId } = await buyAndPay(page, {
    form: "新建订单",
    product: "产品",
    productOption: "云服务器 ECS",
    amount: "订单金额（USD）",
    create: "创建订单并支付",
    pay: "确认支付",
    vouchers: "代金券",
  });
  await expect(page.getByRole("heading", { name: "支付", exact: true })).toBeVisible();
  await expect(page.getByTestId("amount-due")).toHaveText("US$0.00");
  await expectNoEnglish(page);
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "确认支付" }).click();
  await expect(page.getByRole("heading", { name: `订单 ${orderId} 已支付` })).toBeVisible();
  await page.getByRole("link", { name: `查看 ${voucherId} 的抵扣记录` }).click();
  await expect(page.getByRole("heading", { name: "优惠券抵扣明细" })).toBeVisible();
  await expect(page.getByRole("cell", { name: orderId })).toBeVisible();
  // Instants in Tokyo time, the offset named.
  await expect(page.getByRole("cell", { name: /UTC\+9$/ }).first()).toBeVisible();
  await expectNoEnglish(page);
  await expectNoAxeViolations(page);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "导出 CSV" }).click();
  const rows = parseCsv(
    (await (await (await download).createReadStream()).toArray()).join("").replace(/^\uFEFF/, ""),
  );
  expect(rows[0]).toEqual([
    "时间",
    "交易类型",
    "扣减金额",
    "入账金额",
    "订单/账单 ID",
    "账号",
    "变动后余额",
    "备注",
  ]);
  const paid = rows.find((r) => r[4] === orderId);
  expect(paid?.[2]).toBe("7.25");
  for (const r of rows.slice(1)) expect(r[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);

  await page.goto("/coupons");
  const listDownload = page.waitForEvent("download");
  await page.getByRole("link", { name: "导出列表（CSV）" }).click();
  const list = parseCsv(
    (await (await (await listDownload).createReadStream()).toArray()).join("").replace(/^\uFEFF/, ""),
  );
  expect(list[0]?.slice(0, 3)).toEqual(["ID", "账号", "账号名称"]);
  for (const r of list.slice(1)) expect(r[14]).toMatch(/\+09:00$/);
});

test("R-I18N-1 R-TZ-1: in English with America/New_York: the pay flow and the export; offsets of New York; axe clean", async ({
  page,
}) => {
  await signIn(page, "alice@example.com");
  await page.goto("/settings");
  await page.getByLabel("Time zone").selectOption("America/New_York");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await expectNoAxeViolations(page);

  const { orderId, voucherId } = await buyAndPay(page, {
    form: "New order",
    product: "Product",
    productOption: "Elastic Compute Service (ECS)",
    amount: "Order Amount (USD)",
    create: "Create order and pay",
    pay: "Confirm and pay",
    vouchers: "Vouchers",
  });
  await expect(page.getByTestId("deduction")).toHaveText("−$7.25");
  await expectNoAxeViolations(page);
  await page.getByRole("button", { name: "Confirm and pay" }).click();
  await expect(page.getByRole("heading", { name: `Order ${orderId} is paid` })).toBeVisible();
  await page.getByRole("link", { name: `See the deduction on ${voucherId}` }).click();
  await expect(page.getByRole("cell", { name: orderId })).toBeVisible();
  await expect(page.getByRole("cell", { name: /UTC-[45]$/ }).first()).toBeVisible();
  await expectNoAxeViolations(page);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const rows = parseCsv(
    (await (await (await download).createReadStream()).toArray()).join("").replace(/^\uFEFF/, ""),
  );
  expect(rows[0]?.[0]).toBe("Time");
  for (const r of rows.slice(1)) expect(r[0]).toMatch(/-0[45]:00$/);
  expect(rows.find((r) => r[4] === orderId)?.[2]).toBe("7.25");
});

test("R-TZ-1: a zone chosen while the settings page is still loading is the zone saved", async ({ page }) => {
  await signIn(page, "alice@example.com");
  // Hold the page's scripts back, so that the choice is made on the server-rendered form before React
  // takes it over (a slow phone, a busy machine).
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route("**/_next/static/chunks/**/*.js", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto("/settings", { waitUntil: "domcontentloaded" });
  await page.getByLabel("Time zone").selectOption("Asia/Tokyo");
  release();
  await page.waitForLoadState("load");
  await page.waitForFunction(() => {
    const select = document.querySelector("#settings-zone");
    return select !== null && Object.keys(select).some((k) => k.startsWith("__reactFiber"));
  });
  await expect(page.getByLabel("Time zone")).toHaveValue("Asia/Tokyo");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toContainText("Asia/Tokyo");
  await page.unroute("**/_next/static/chunks/**/*.js");
  await page.reload();
  await expect(page.getByLabel("Time zone")).toHaveValue("Asia/Tokyo");
});

test("R-I18N-1: before sign-in the language comes from Accept-Language, and the switch on the sign-in page (a cookie)", async ({
  browser,
}) => {
  const zh = await browser.newContext({ locale: "zh-CN" });
  const page = await zh.newPage();
  await page.goto("/sign-in");
  await expect(page.getByRole("heading", { name: "登录" })).toBeVisible();
  await expectNoEnglish(page);
  await expectNoAxeViolations(page);
  // The switch on the sign-in page: English, remembered by cookie across pages.
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.goto("/sign-in");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.getByRole("button", { name: "简体中文" }).click();
  await expect(page.getByRole("heading", { name: "登录" })).toBeVisible();
  // A wrong password is worded in Chinese.
  await page.getByLabel("邮箱").fill("alice@example.com");
  await page.getByLabel("密码").fill("not-the-password");
  await page.getByRole("button", { name: "登录" }).click();
  // (Next's empty route announcer is an alert too.)
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText(
    "邮箱或密码错误。请检查后重试。",
  );
  // Signed in, the cookie's language carries on into the console (the user has not chosen one).
  await page.getByLabel("密码").fill(PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByRole("heading", { name: "优惠券", exact: true })).toBeVisible();
  await zh.close();
});
