"use client";

import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useFormat } from "@/lib/use-format";
import { useTRPC } from "@/trpc/client";

/**
 * R-FORECAST-1 on the Coupons tab: at the last 30 days' spending, how much balance will expire unused
 * and by when, in total and per voucher (expiry_forecast() in db/sql). Shown for one account; the
 * "All accounts" view has no single spending rate.
 */
export function ForecastPanel({ accountId }: { accountId: string | undefined }) {
  const t = useTranslations("forecast");
  const fmt = useFormat();
  const trpc = useTRPC();
  const forecast = useQuery(trpc.coupons.forecast.queryOptions(accountId ? { accountId } : {}));
  if (accountId === "all" || forecast.isPending) return null;
  if (forecast.isError) {
    return (
      <p role="alert" className="mb-4 text-sm text-red-800">
        {t("loadError")}
      </p>
    );
  }
  const f = forecast.data;
  if (!f || f.totals.length === 0) return null;
  return (
    <section
      aria-labelledby="forecast-heading"
      className="mb-4 max-w-4xl rounded border border-slate-200 bg-white p-4 text-sm"
      data-testid="forecast"
    >
      <h2 id="forecast-heading" className="font-semibold">
        {t("title")}
      </h2>
      {f.totals.map((x) => (
        <div key={x.currency} className="mt-1">
          <p className={x.unusedMinor > 0 ? "font-medium text-amber-900" : ""}>
            {x.unusedMinor > 0 && x.by
              ? t("total", {
                  amount: fmt.money(x.unusedMinor, x.currency),
                  date: fmt.date(x.by),
                })
              : t("none")}
          </p>
          <p className="text-slate-600">
            {t("rate", { amount: fmt.money(x.spent30dMinor, x.currency) })} {t("model")}
          </p>
        </div>
      ))}
      {f.vouchers.length > 0 && (
        <details className="mt-2">
          <summary className="cursor-pointer text-blue-800 underline">
            {t("byVoucher")} ({f.vouchers.length})
          </summary>
          <div className="mt-2 overflow-x-auto">
            <table className="min-w-full text-left">
              <thead>
                <tr className="border-b border-slate-200 text-slate-600">
                  <th scope="col" className="py-1 pr-4 font-medium">
                    {t("colId")}
                  </th>
                  <th scope="col" className="py-1 pr-4 text-right font-medium">
                    {t("colBalance")}
                  </th>
                  <th scope="col" className="py-1 pr-4 font-medium">
                    {t("colExpires")}
                  </th>
                  <th scope="col" className="py-1 text-right font-medium">
                    {t("colUnused")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {f.vouchers.map((v) => (
                  <tr key={v.id} className="border-b border-slate-100">
                    <td className="py-1 pr-4 font-mono">{v.id}</td>
                    <td className="py-1 pr-4 text-right">{fmt.money(v.balanceMinor, v.currency)}</td>
                    <td className="py-1 pr-4">{fmt.date(v.expiresAt)}</td>
                    <td className="py-1 text-right">{fmt.money(v.unusedMinor, v.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </section>
  );
}
