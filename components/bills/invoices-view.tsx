"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useId, useTransition } from "react";
import { formatMoney } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { AccountFilter, control, Stat, th } from "./shared";
import { TableScroll } from "@/components/ui/table-scroll";

const LIMIT = 200;
export const VOUCHER_NOT_INVOICED = "Paid with a voucher: vouchers are not invoiced";

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
  const router = useRouter();
  const pathname = usePathname();
  const monthId = useId();
  const [pending, startTransition] = useTransition();
  const { data: viewable } = useSuspenseQuery(trpc.invoices.accounts.queryOptions());
  const { data } = useSuspenseQuery(trpc.invoices.list.queryOptions({ accountId, month, limit: LIMIT }));
  const showAccount = viewable.length > 1;
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
          <label htmlFor={monthId}>Month</label>
          <select
            id={monthId}
            className={control}
            value={chosen ?? ""}
            disabled={monthOptions.length === 0}
            onChange={(e) => go({ month: e.target.value || undefined })}
          >
            {monthOptions.length === 0 && <option value="">No charges yet</option>}
            {monthOptions.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </div>
        {pending && (
          <p role="status" className="py-1.5 text-sm">
            Loading…
          </p>
        )}
      </div>

      {chosen && (
        <section aria-labelledby="month-h" className="space-y-2">
          <h2 id="month-h" className="text-lg font-semibold">
            Totals for {chosen}
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
          ).map((t) => (
            <dl key={t.currency} className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
              <Stat label="Charges" value={String(t.charges)} />
              <Stat label="Total" value={formatMoney(t.totalMinor, t.currency)} />
              <Stat
                label="Paid with vouchers"
                value={formatMoney(t.voucherMinor, t.currency)}
                note="Not invoiceable"
              />
              <Stat label="Cash refunded" value={formatMoney(t.cashRefundedMinor, t.currency)} />
              <Stat label="Invoiceable" value={formatMoney(t.invoiceableMinor, t.currency)} />
            </dl>
          ))}
        </section>
      )}

      <section aria-labelledby="charges-h" className="rounded border border-slate-200 bg-white">
        <h2 id="charges-h" className="p-4 text-lg font-semibold">
          {chosen ? `Charges in ${chosen}` : "Charges"}
        </h2>
        <p className="px-4 pb-3 text-sm text-slate-700">
          Paid orders and closed pay-as-you-go bills. Only the cash part can be invoiced: the part paid with
          vouchers is not, and cash refunded is taken off.
        </p>
        <TableScroll label="Scrollable table of charges">
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">
              Invoiceable amounts of orders and bills{chosen ? ` in ${chosen}` : ""}
            </caption>
            <thead className="bg-slate-100 text-xs uppercase text-slate-700">
              <tr>
                <th scope="col" className={th}>
                  Order/Bill ID
                </th>
                <th scope="col" className={th}>
                  Description
                </th>
                {showAccount && (
                  <th scope="col" className={th}>
                    Account
                  </th>
                )}
                <th scope="col" className={`${th} text-right`}>
                  Total
                </th>
                <th scope="col" className={`${th} text-right`}>
                  Voucher Part (Not Invoiceable)
                </th>
                <th scope="col" className={`${th} text-right`}>
                  Cash Refunded
                </th>
                <th scope="col" className={`${th} text-right`}>
                  Invoiceable
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
                    <div className="font-sans text-xs text-slate-600">
                      {i.kind === "bill" ? "Bill" : "Order"}
                    </div>
                  </td>
                  <td className="px-3 py-2">{i.description}</td>
                  {showAccount && (
                    <td className="px-3 py-2">
                      {i.accountName}
                      <div className="text-xs text-slate-600">UID {i.accountId}</div>
                    </td>
                  )}
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {formatMoney(i.totalMinor, i.currency)}
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">
                    <span className="whitespace-nowrap">{formatMoney(i.voucherMinor, i.currency)}</span>
                    {i.voucherMinor > 0 && (
                      <div className="text-xs text-slate-600">{VOUCHER_NOT_INVOICED}</div>
                    )}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {formatMoney(i.cashRefundedMinor, i.currency)}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-right font-medium tabular-nums">
                    {formatMoney(i.invoiceableMinor, i.currency)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {data.items.length === 0 && (
            <div className="p-8 text-center text-sm text-slate-700">
              <p className="font-medium">Nothing to invoice{chosen ? ` in ${chosen}` : " yet"}.</p>
              <p className="mt-1">Paid orders and closed bills appear here by month.</p>
            </div>
          )}
          {data.items.length === LIMIT && (
            <p className="p-4 text-sm text-slate-700">
              Showing the latest {LIMIT} charges of {chosen}; the month's totals above count them all.
            </p>
          )}
        </TableScroll>
      </section>

      {data.months.length > 1 && (
        <section aria-labelledby="months-h" className="rounded border border-slate-200 bg-white">
          <h2 id="months-h" className="p-4 text-lg font-semibold">
            Monthly totals
          </h2>
          <TableScroll label="Scrollable table of monthly totals">
            <table className="min-w-full text-left text-sm">
              <caption className="sr-only">Invoiceable amounts by month, newest first</caption>
              <thead className="bg-slate-100 text-xs uppercase text-slate-700">
                <tr>
                  <th scope="col" className={th}>
                    Month
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    Charges
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    Total
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    Voucher Part (Not Invoiceable)
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    Cash Refunded
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    Invoiceable
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
                      {formatMoney(m.totalMinor, m.currency)}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                      {formatMoney(m.voucherMinor, m.currency)}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                      {formatMoney(m.cashRefundedMinor, m.currency)}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                      {formatMoney(m.invoiceableMinor, m.currency)}
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
