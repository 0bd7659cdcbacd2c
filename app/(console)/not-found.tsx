import Link from "next/link";
import { getTranslations } from "next-intl/server";

export async function generateMetadata() {
  return { title: (await getTranslations("common"))("notFoundTitle") };
}

export default async function ConsoleNotFound() {
  const t = await getTranslations("common");
  return (
    <div className="max-w-2xl rounded border border-slate-200 bg-white p-8">
      <h1 className="text-xl font-semibold">{t("notFoundTitle")}</h1>
      <p className="mt-2 text-sm text-slate-700">{t("notFoundConsoleBody")}</p>
      <p className="mt-4 flex flex-wrap gap-4 text-sm">
        <Link href="/coupons" className="text-blue-800 underline">
          {t("goToCoupons")}
        </Link>
        <Link href="/orders" className="text-blue-800 underline">
          {t("goToOrders")}
        </Link>
      </p>
    </div>
  );
}
