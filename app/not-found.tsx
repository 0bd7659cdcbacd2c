import Link from "next/link";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";

export async function generateMetadata() {
  return { title: (await getTranslations("common"))("notFoundTitle") };
}

/**
 * The 404 page, rendered per request (not prerendered) so that it carries the request's CSP nonce
 * like every other page (R-SEC-5): a static page's scripts would have no nonce and be blocked.
 */
export default async function NotFound() {
  await connection();
  const t = await getTranslations("common");
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-md rounded-lg border border-slate-200 bg-white p-8">
        <p className="text-sm font-semibold text-brand-700">{t("appName")}</p>
        <h1 className="mt-1 text-xl font-semibold">{t("notFoundTitle")}</h1>
        <p className="mt-2 text-sm text-slate-700">{t("notFoundBody")}</p>
        <Link href="/coupons" className="mt-4 inline-block text-blue-800 underline">
          {t("goToCoupons")}
        </Link>
      </div>
    </main>
  );
}
