"use client";

import { TableScroll } from "@/components/ui/table-scroll";
import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Download } from "lucide-react";
import { useMemo } from "react";
import { StatusBadge } from "@/components/ui/status-badge";
import { commodityLabel, formatDateTime, formatMoney, formatValidity, zoneLabel } from "@/lib/format";
import { PageNav, useCursorStack } from "@/components/ui/cursor-pages";
import { useTRPC } from "@/trpc/client";
import { BalanceChart } from "./balance-chart";

const CREDIT_TYPES = new Set(["Issuance", "Refund"]);

export function CouponDetails({
  id,
  timeZone,
  ownAccountId,
}: {
  id: string;
  timeZone: string;
  /** Orders of the viewer's own account link to the order; others' orders are shown, not linked. */
  ownAccountId: string;
}) {
  const trpc = useTRPC();
  const { data: c } = useSuspenseQuery(trpc.coupons.get.queryOptions({ id }));
  const { data: series } = useSuspenseQuery(trpc.coupons.series.queryOptions({ id }));
  const { data: products } = useSuspenseQuery(trpc.catalog.products.queryOptions());
  const names = useMemo(() => new Map(products.map((p) => [p.code, p.name])), [products]);
  const pages = useCursorStack();
  const cursor = pages.cursor;
  const first = useSuspenseQuery(trpc.coupons.history.queryOptions({ id, limit: 50 }));
  const later = useQuery({
    ...trpc.coupons.history.queryOptions({ id, limit: 50, cursor }),
    enabled: cursor !== undefined,
  });
  const history = cursor === undefined ? first.data : later.data;
  const zone = zoneLabel(timeZone);
  const accountNames = useMemo(
    () => new Map([[c.accountId, c.accountName], ...c.sharedWith.map((x) => [x.accountId, x.name] as const)]),
    [c],
  );

  const fields: [string, React.ReactNode][] = [
    [
      "ID",
      <span key="id" className="font-mono">
        {c.id}
      </span>,
    ],
    ["Status", <StatusBadge key="s" status={c.status} />],
    [
      "Coupon Type",
      c.discountBps !== null
        ? `${c.couponType} (${c.discountBps / 100}% off, up to ${formatMoney(c.discountCapMinor ?? 0, c.currency)})`
        : c.couponType,
    ],
    ["Nominal Value", formatMoney(c.nominalMinor, c.currency)],
    ["Balance", formatMoney(c.balanceMinor, c.currency)],
    ["Applicable Commodity", commodityLabel(c.commodities, names)],
    ["Applicable Scope", c.scopes.length ? c.scopes.join(", ") : "General (every transaction type)"],
    ["Payment Types", c.paymentTypes.join(", ")],
    [
      "Limit on Order Amount",
      c.minOrderMinor === 0 ? "None" : `Orders of ${formatMoney(c.minOrderMinor, c.currency)} or more`,
    ],
    [`Validity Period (${zone})`, formatValidity(c.effectiveFrom, c.expiresAt, timeZone)],
    [`Issued At (${zone})`, formatDateTime(c.issuedAt, timeZone)],
    ["Source", c.source],
    ["Owner Account", `${c.accountName} (UID ${c.accountId})`],
    [
      "Shared With",
      c.shared
        ? c.sharedWith.map((s) => `${s.name} (UID ${s.accountId})`).join(", ") || "No accounts"
        : "Not shared",
    ],
    ["Description", c.description || "—"],
  ];
  if (c.reclaimedAt) fields.push([`Reclaimed At (${zone})`, formatDateTime(c.reclaimedAt, timeZone)]);

  return (
    <div className="space-y-6">
      <section aria-labelledby="summary-h" className="rounded border border-slate-200 bg-white p-4">
        <h2 id="summary-h" className="text-lg font-semibold">
          Summary
        </h2>
        <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-3">
          {fields.map(([label, value]) => (
            <div key={label}>
              <dt className="text-slate-600">{label}</dt>
              <dd className="font-medium break-words">{value}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="chart-h" className="rounded border border-slate-200 bg-white p-4">
        <h2 id="chart-h" className="text-lg font-semibold">
          Balance over time
        </h2>
        <BalanceChart points={series} currency={c.currency} timeZone={timeZone} />
      </section>

      <section aria-labelledby="history-h" className="rounded border border-slate-200 bg-white">
        <div className="flex flex-wrap items-center justify-between gap-2 p-4">
          <div>
            <h2 id="history-h" className="text-lg font-semibold">
              Deduction details
            </h2>
            <p className="text-sm text-slate-600">
              Newest first. The CSV export has the same columns, oldest first.
            </p>
          </div>
          <a
            href={`/api/coupons/${c.id}/export`}
            download
            className="print:hidden inline-flex items-center gap-2 rounded bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-600"
          >
            <Download aria-hidden="true" className="h-4 w-4" />
            Export CSV
          </a>
        </div>
        <TableScroll label="Scrollable table of transactions">
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">
              Transactions of {c.id}, newest first, times in {zone}
            </caption>
            <thead className="bg-slate-100 text-xs uppercase text-slate-700">
              <tr>
                <th scope="col" className="px-3 py-2" aria-sort="descending">
                  Time ({zone}) ↓
                </th>
                <th scope="col" className="px-3 py-2">
                  Transaction Type
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Deducted Amount
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Credited Amount
                </th>
                <th scope="col" className="px-3 py-2">
                  Order/Bill ID
                </th>
                <th scope="col" className="px-3 py-2">
                  Account
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Balance After
                </th>
                <th scope="col" className="px-3 py-2">
                  Note
                </th>
              </tr>
            </thead>
            <tbody>
              {history?.items.map((h) => {
                const credit = CREDIT_TYPES.has(h.type);
                return (
                  <tr key={h.id} className="border-t border-slate-100">
                    <td className="whitespace-nowrap px-3 py-2 tabular-nums">
                      {formatDateTime(h.createdAt, timeZone)}
                    </td>
                    <td className="px-3 py-2">{h.type}</td>
                    <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                      {credit ? "" : formatMoney(h.amountMinor, c.currency)}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                      {credit ? formatMoney(h.amountMinor, c.currency) : ""}
                    </td>
                    <td className="px-3 py-2 font-mono">
                      {h.orderId ? (
                        h.accountId === ownAccountId ? (
                          <Link href={`/orders/${h.orderId}/pay`} className="text-blue-800 underline">
                            {h.orderId}
                          </Link>
                        ) : (
                          h.orderId
                        )
                      ) : h.billId ? (
                        <Link href={`/bills/${h.billId}`} className="text-blue-800 underline">
                          {h.billId}
                        </Link>
                      ) : (
                        "—"
                      )}
                    </td>
                    <td className="px-3 py-2">
                      {accountNames.get(h.accountId) ?? "Account"}
                      <span className="block text-xs text-slate-600">UID {h.accountId}</span>
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                      {formatMoney(h.balanceAfterMinor, c.currency)}
                    </td>
                    <td className="px-3 py-2 text-xs text-slate-700">{h.note}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {history === undefined && (
            <p role="status" className="p-4 text-sm">
              Loading…
            </p>
          )}
        </TableScroll>
        <div className="print:hidden">
          <PageNav label="History pages" pages={pages} nextCursor={history?.nextCursor} />
        </div>
      </section>
    </div>
  );
}
