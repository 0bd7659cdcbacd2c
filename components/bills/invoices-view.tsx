"use client";

import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useId, useTransition } from "react";
import { useFormat } from "@/lib/use-format";
import { useLabels } from "@/lib/use-labels";
import { useTRPC } from "@/trpc/client";
import { AccountFilter, control, Stat, th } from "./shared";
import { TableScroll } from "@/components/ui/table-scroll";

const LIMIT = 200;

/**
 * Billing > Invoices (R-INV-1): what can be invoiced, month by month. The invoiceable amount of a
 * paid order or a closed bill is its cash part (less cash refunded); the voucher part never is.
 */
export function InvoicesView({
  accountId,
  month,
  ownAccountId,
}: {
  accountId: string | undefined;
  month: string | undefined;
  ownAccountId: string;
}) {
  const trpc = useTRPC();
  const t = useTranslations("invoices");
  const f = useFormat();
  const l = useLabels();
  const router = useRouter();
  const pathname = usePathname();
  const monthId = useId();
  const [pending, startTransition] = useTransition();
  const { data: viewable } = useSuspenseQuery(trpc.invoices.accounts.queryOptions());
  const { data } = useSuspenseQuery(trpc.invoices.list.queryOptions({ accountId, month, limit: LIMIT }));
  const { data: products } = useQuery(trpc.catalog.products.queryOptions());
  const showAccount = viewable.length > 1;
  // The server words a charge in English ("<product name> · <transaction type>", "Pay-as-you-go
  // bill <cycle>"); it is recognised here and worded from the catalogs. Anything else is shown as is.
  const describe = (i: (typeof data.items)[number]) => {
    if (i.kind === "bill") {
      return i.description === `Pay-as-you-go bill ${i.month}`
        ? t("billDescription", { cycle: i.month })
        : i.description;
    }
    const at = i.description.lastIndexOf(" · ");
    if (at < 0) return i.description;
    const name = i.description.slice(0, at);
    const code = products?.find((p) => p.name === name)?.code;
    return `${code ? l.product(code, name) : name} · ${l.transactionType(i.description.slice(at + 3))}`;
  };
  const chosen = data.month;
  const monthTotals = data.months.filter((m) => m.month === chosen);
  const monthOptions = [...new Set([...(chosen ? [chosen] : []), ...data.months.map((m) => m.month)])].sort(
    (a, b) => b.localeCompare(a),
  );

  const hrefFor = (patch: { accountId?: string; month?: string }) => {
    const next = { accountId, month, ...patch };
    const q = new URLSearchParams();
    if (next.accountId && next.accountId !== ownAccountId) q.set("account", next.accountId);
    if (next.month) q.set("month", next.month);
    const search = q.toString();
    return search ? `${pathname}?${search}` : pathname;
  };
  const go = (patch: { accountId?: string; month?: string }) =>
    startTransition(() => router.push(hrefFor(patch)));

  return (
    <div className="space-y-4" aria-busy={pending}>
      <div className="flex flex-wrap items-end gap-3 rounded border border-slate-200 bg-white p-3">
        {viewable.length > 1 && (
          <AccountFilter
            accounts={viewable}
            ownAccountId={ownAccountId}
            value={accountId ?? ownAccountId}
            // A month of one account may have no charges for another: start from its latest month.
            onChange={(next) => go({ accountId: next, month: undefined })}
          />
        )}
        <div className="text-sm">
          <label htmlFor={monthId}>{t("month")}</label>
          <select
            id={monthId}
            className={control}
            value={chosen ?? ""}
            disabled={monthOptions.length === 0}
            onChange={(e) => go({ month: e.target.value || undefined })}
          >
            {monthOptions.length === 0 && <option value="">{t("noChargesYet")}</option>}
            {monthOptions.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </div>
        {pending && (
          <p role="status" className="py-1.5 text-sm">
            {t("loadingShort")}
          </p>
        )}
      </div>

      {chosen && (
        <section aria-labelledby="month-h" className="space-y-2">
          <h2 id="month-h" className="text-lg font-semibold">
            {t("totalsFor", { month: chosen })}
          </h2>
          {(monthTotals.length
            ? monthTotals
            : [
                {
                  month: chosen,
                  currency: "USD",
                  charges: 0,
                  totalMinor: 0,
                  voucherMinor: 0,
                  cashRefundedMinor: 0,
                  invoiceableMinor: 0,
                },
              ]
          ).map((s) => (
            <dl key={s.currency} className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
              <Stat label={t("statCharges")} value={String(s.charges)} />
              <Stat label={t("statTotal")} value={f.money(s.totalMinor, s.currency)} />
              <Stat
                label={t("statVoucher")}
                value={f.money(s.voucherMinor, s.currency)}
                note={t("statVoucherNote")}
              />
              <Stat label={t("statCashRefunded")} value={f.money(s.cashRefundedMinor, s.currency)} />
              <Stat label={t("statInvoiceable")} value={f.money(s.invoiceableMinor, s.currency)} />
            </dl>
          ))}
        </section>
      )}

      <section aria-labelledby="charges-h" className="rounded border border-slate-200 bg-white">
        <h2 id="charges-h" className="p-4 text-lg font-semibold">
          {chosen ? t("chargesIn", { month: chosen }) : t("charges")}
        </h2>
        <p className="px-4 pb-3 text-sm text-slate-700">{t("intro")}</p>
        <TableScroll label={t("chargesScroll")}>
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">
              {chosen ? t("chargesCaptionIn", { month: chosen }) : t("chargesCaption")}
            </caption>
            <thead className="bg-slate-100 text-xs uppercase text-slate-700">
              <tr>
                <th scope="col" className={th}>
                  {t("colId")}
                </th>
                <th scope="col" className={th}>
                  {t("colDescription")}
                </th>
                {showAccount && (
                  <th scope="col" className={th}>
                    {t("colAccount")}
                  </th>
                )}
                <th scope="col" className={`${th} text-right`}>
                  {t("colTotal")}
                </th>
                <th scope="col" className={`${th} text-right`}>
                  {t("colVoucher")}
                </th>
                <th scope="col" className={`${th} text-right`}>
                  {t("colCashRefunded")}
                </th>
                <th scope="col" className={`${th} text-right`}>
                  {t("colInvoiceable")}
                </th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((i) => (
                <tr key={`${i.kind}:${i.id}`} className="border-t border-slate-100 align-top">
                  <td className="whitespace-nowrap px-3 py-2 font-mono">
                    {i.kind === "bill" ? (
                      <Link href={`/bills/${i.id}`} className="text-blue-800 underline">
                        {i.id}
                      </Link>
                    ) : i.accountId === ownAccountId ? (
                      <Link href={`/orders/${i.id}/pay`} className="text-blue-800 underline">
                        {i.id}
                      </Link>
                    ) : (
                      i.id
                    )}
                    <div className="font-sans text-xs text-slate-600">{t("kind", { kind: i.kind })}</div>
                  </td>
                  <td className="px-3 py-2">{describe(i)}</td>
                  {showAccount && (
                    <td className="px-3 py-2">
                      <span translate="no">{i.accountName}</span>
                      <div className="text-xs text-slate-600">{t("uid", { id: i.accountId })}</div>
                    </td>
                  )}
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {f.money(i.totalMinor, i.currency)}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    <span className="whitespace-nowrap">{f.money(i.voucherMinor, i.currency)}</span>
                    {i.voucherMinor > 0 && (
                      <div className="text-xs text-slate-600">{t("voucherNotInvoiced")}</div>
                    )}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {f.money(i.cashRefundedMinor, i.currency)}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-right font-medium tabular-nums">
                    {f.money(i.invoiceableMinor, i.currency)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.items.length === 0 && (
            <div className="p-8 text-center text-sm text-slate-700">
              <p className="font-medium">{chosen ? t("nothingIn", { month: chosen }) : t("nothingYet")}</p>
              <p className="mt-1">{t("nothingHint")}</p>
            </div>
          )}
          {data.items.length === LIMIT && (
            <p className="p-4 text-sm text-slate-700">
              {t("latestOnly", { count: LIMIT, month: chosen ?? "" })}
            </p>
          )}
        </TableScroll>
      </section>

      {data.months.length > 1 && (
        <section aria-labelledby="months-h" className="rounded border border-slate-200 bg-white">
          <h2 id="months-h" className="p-4 text-lg font-semibold">
            {t("monthlyTotals")}
          </h2>
          <TableScroll label={t("monthsScroll")}>
            <table className="min-w-full text-left text-sm">
              <caption className="sr-only">{t("monthsCaption")}</caption>
              <thead className="bg-slate-100 text-xs uppercase text-slate-700">
                <tr>
                  <th scope="col" className={th}>
                    {t("colMonth")}
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    {t("colCharges")}
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    {t("colTotal")}
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    {t("colVoucher")}
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    {t("colCashRefunded")}
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    {t("colInvoiceable")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.months.map((m) => (
                  <tr
                    key={`${m.month}:${m.currency}`}
                    className={`border-t border-slate-100 ${m.month === chosen ? "bg-orange-50" : ""}`}
                  >
                    <td className="px-3 py-2 tabular-nums">
                      <Link
                        href={hrefFor({ month: m.month })}
                        className="text-blue-800 underline"
                        aria-current={m.month === chosen ? "true" : undefined}
                      >
                        {m.month}
                      </Link>
                    </td>
                    <td className="px-3 py-2 text-right tabular-nums">{m.charges}</td>
                    <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                      {f.money(m.totalMinor, m.currency)}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                      {f.money(m.voucherMinor, m.currency)}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                      {f.money(m.cashRefundedMinor, m.currency)}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                      {f.money(m.invoiceableMinor, m.currency)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </section>
      )}
    </div>
  );
}
