"use client";

import { TableScroll } from "@/components/ui/table-scroll";
import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Download } from "lucide-react";
import { useMemo } from "react";
import { StatusBadge } from "@/components/ui/status-badge";
import { useTranslations } from "next-intl";
import { useFormat } from "@/lib/use-format";
import { useLabels } from "@/lib/use-labels";
import { useLedgerNote } from "./ledger-note";
import { PageNav, useCursorStack } from "@/components/ui/cursor-pages";
import { useTRPC } from "@/trpc/client";
import { BalanceChart } from "./balance-chart";

const CREDIT_TYPES = new Set(["Issuance", "Refund"]);

export function CouponDetails({
  id,
  ownAccountId,
}: {
  id: string;
  /** Orders of the viewer's own account link to the order; others' orders are shown, not linked. */
  ownAccountId: string;
}) {
  const trpc = useTRPC();
  const t = useTranslations("details");
  const f = useFormat();
  const l = useLabels();
  const noteText = useLedgerNote();
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
  const accountNames = useMemo(
    () => new Map([[c.accountId, c.accountName], ...c.sharedWith.map((x) => [x.accountId, x.name] as const)]),
    [c],
  );

  const fields: [string, React.ReactNode][] = [
    [
      t("id"),
      <span key="id" className="font-mono" translate="no">
        {c.id}
      </span>,
    ],
    [t("status"), <StatusBadge key="s" status={c.status} />],
    [
      t("couponType"),
      c.discountBps !== null
        ? t("discountType", {
            type: l.couponType(c.couponType),
            percent: c.discountBps / 100,
            cap: f.money(c.discountCapMinor ?? 0, c.currency),
          })
        : l.couponType(c.couponType),
    ],
    [t("nominalValue"), f.money(c.nominalMinor, c.currency)],
    [t("balance"), f.money(c.balanceMinor, c.currency)],
    [t("commodity"), l.commodities(c.commodities, names)],
    [t("scope"), c.scopes.length ? l.scopes(c.scopes) : t("scopeGeneral")],
    [t("paymentTypes"), l.list(c.paymentTypes, "paymentType")],
    [
      t("minOrder"),
      c.minOrderMinor === 0
        ? t("none")
        : t("ordersOfOrMore", { amount: f.money(c.minOrderMinor, c.currency) }),
    ],
    [t("validity"), f.validity(c.effectiveFrom, c.expiresAt)],
    [t("issuedAt"), f.dateTime(c.issuedAt)],
    [t("source"), l.source(c.source)],
    [
      t("owner"),
      <span key="owner" translate="no">
        {t("accountWithUid", { name: c.accountName, id: c.accountId })}
      </span>,
    ],
    [
      t("sharedWith"),
      c.shared ? (
        c.sharedWith.length ? (
          <span key="sw" translate="no">
            {c.sharedWith.map((s) => t("accountWithUid", { name: s.name, id: s.accountId })).join(", ")}
          </span>
        ) : (
          t("noAccounts")
        )
      ) : (
        t("notShared")
      ),
    ],
    [
      t("description"),
      c.description ? (
        <span key="d" translate="no">
          {c.description}
        </span>
      ) : (
        "—"
      ),
    ],
  ];
  if (c.reclaimedAt) fields.push([t("reclaimedAt"), f.dateTime(c.reclaimedAt)]);

  return (
    <div className="space-y-6">
      <section aria-labelledby="summary-h" className="rounded border border-slate-200 bg-white p-4">
        <h2 id="summary-h" className="text-lg font-semibold">
          {t("summary")}
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
          {t("chartTitle")}
        </h2>
        <BalanceChart points={series} currency={c.currency} />
      </section>

      <section aria-labelledby="history-h" className="rounded border border-slate-200 bg-white">
        <div className="flex flex-wrap items-center justify-between gap-2 p-4">
          <div>
            <h2 id="history-h" className="text-lg font-semibold">
              {t("historyTitle")}
            </h2>
            <p className="text-sm text-slate-600">{t("historyNote")}</p>
          </div>
          <a
            href={`/api/coupons/${c.id}/export`}
            download
            className="print:hidden inline-flex items-center gap-2 rounded bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-600"
          >
            <Download aria-hidden="true" className="h-4 w-4" />
            {t("exportCsv")}
          </a>
        </div>
        <TableScroll label={t("scrollTable")}>
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">{t("caption", { id: c.id })}</caption>
            <thead className="bg-slate-100 text-xs uppercase text-slate-700">
              <tr>
                <th scope="col" className="px-3 py-2" aria-sort="descending">
                  {t("colTime")} ↓
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("colType")}
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  {t("colDeducted")}
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  {t("colCredited")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("colRef")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("colAccount")}
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  {t("colBalanceAfter")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("colNote")}
                </th>
              </tr>
            </thead>
            <tbody>
              {history?.items.map((h) => {
                const credit = CREDIT_TYPES.has(h.type);
                return (
                  <tr key={h.id} className="border-t border-slate-100">
                    <td className="whitespace-nowrap px-3 py-2 tabular-nums">{f.dateTime(h.createdAt)}</td>
                    <td className="px-3 py-2">{l.ledgerType(h.type)}</td>
                    <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                      {credit ? "" : f.money(h.amountMinor, c.currency)}
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                      {credit ? f.money(h.amountMinor, c.currency) : ""}
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
                      <span translate="no">{accountNames.get(h.accountId) ?? t("account")}</span>
                      <span className="block text-xs text-slate-600">{t("uid", { id: h.accountId })}</span>
                    </td>
                    <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                      {f.money(h.balanceAfterMinor, c.currency)}
                    </td>
                    <td className="px-3 py-2 text-xs text-slate-700">{noteText(h.note)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {history === undefined && (
            <p role="status" className="p-4 text-sm">
              {t("loading")}
            </p>
          )}
        </TableScroll>
        <div className="print:hidden">
          <PageNav label={t("historyPages")} pages={pages} nextCursor={history?.nextCursor} />
        </div>
      </section>
    </div>
  );
}
