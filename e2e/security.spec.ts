import { expect, type Page, test } from "@playwright/test";
import { signIn } from "./fixtures";

/**
 * R-SEC-5: every page is served with a nonce-based CSP (no 'unsafe-inline' scripts),
 * frame-ancestors 'none', a Referrer-Policy and nosniff, and the app runs under it: any CSP
 * violation reported in the browser while the pages load and work fails the test. API answers are
 * not cached.
 */

/** Collects CSP violations: the browser's console reports and the page's securitypolicyviolation events. */
function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) violations.push(m.text());
  });
  page.on("pageerror", (e) => {
    if (/Content Security Policy/i.test(e.message)) violations.push(e.message);
  });
  return violations;
}

async function pageViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
}

function expectPageHeaders(headers: Record<string, string>, path: string) {
  const csp = headers["content-security-policy"] ?? "";
  expect(csp, `${path} CSP`).toMatch(/script-src [^;]*'nonce-[A-Za-z0-9+/=]{16,}'/);
  expect(csp, `${path} CSP`).not.toMatch(/script-src [^;]*'unsafe-inline'/);
  expect(csp, `${path} CSP`).toContain("frame-ancestors 'none'");
  expect(headers["x-content-type-options"], path).toBe("nosniff");
  expect(headers["referrer-policy"], path).toBeTruthy();
  expect(headers["x-frame-options"], path).toBe("DENY");
}

const PAGES = ["/", "/coupons", "/coupons/CP-ACME-0100", "/orders", "/enterprise", "/quota-pool"];

test("R-SEC-5: pages carry a fresh nonce-based CSP and the security headers, and run with no CSP violation", async ({
  page,
}) => {
  const violations = watchCsp(page);
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });

  const signInPage = await page.goto("/sign-in");
  expectPageHeaders(signInPage?.headers() ?? {}, "/sign-in");
  const again = await page.request.get("/sign-in");
  expect(again.headers()["content-security-policy"]).not.toBe(
    signInPage?.headers()["content-security-policy"],
  );
  expect(await pageViolations(page)).toEqual([]);

  await signIn(page, "admin@acme.example");
  for (const path of PAGES) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBeLessThan(400);
    expectPageHeaders(res?.headers() ?? {}, path);
    await page.waitForLoadState("networkidle");
    expect(await pageViolations(page), path).toEqual([]);
  }
  const missing = await page.goto("/no-such-page");
  expect(missing?.status()).toBe(404);
  expectPageHeaders(missing?.headers() ?? {}, "/no-such-page");
  await page.waitForLoadState("networkidle");
  expect(await pageViolations(page), "404 page").toEqual([]);
  // Client-side navigation and a tRPC call under the policy.
  await page.goto("/coupons");
  await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Orders" }).click();
  await expect(page).toHaveURL(/\/orders/);
  await page.waitForLoadState("networkidle");
  expect(await pageViolations(page)).toEqual([]);
  expect(violations).toEqual([]);
});

test("R-SEC-5: API answers are not cached and carry nosniff", async ({ page }) => {
  await signIn(page, "alice@example.com");
  const trpc = await page.request.get(`/api/trpc/coupons.list?input=${encodeURIComponent("{}")}`);
  expect(trpc.status()).toBe(200);
  expect(trpc.headers()["cache-control"]).toContain("no-store");
  expect(trpc.headers()["x-content-type-options"]).toBe("nosniff");
  const unauth = await page.request.get("/api/coupons/export", { headers: { cookie: "" } });
  expect(unauth.headers()["cache-control"]).toContain("no-store");
});

test("R-SEC-3: a cross-site form POST to sign-in is refused; the console's own sign-in works", async ({
  page,
}) => {
  const forged = await page.request.post("/api/auth/sign-in", {
    headers: { origin: "http://evil.example" },
    form: { email: "alice@example.com", password: "demo-password" },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(403);
  expect(forged.headers()["set-cookie"]).toBeUndefined();
  await signIn(page, "alice@example.com");
});
