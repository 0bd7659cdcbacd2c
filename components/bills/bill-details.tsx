"use client";

import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import { Download } from "lucide-react";
import Link from "next/link";
import { PageNav, useCursorStack } from "@/components/ui/cursor-pages";
import { useTranslations } from "next-intl";
import { useFormat } from "@/lib/use-format";
import { useLabels } from "@/lib/use-labels";
import { useTRPC } from "@/trpc/client";
import { BillStatusBadge, th } from "./shared";
import { TableScroll } from "@/components/ui/table-scroll";

const LINES = 100;

/** One pay-as-you-go bill (R-PAYG-1, R-INV-1): summary, the vouchers that paid it, its lines. */
export function BillDetails({ id }: { id: string }) {
  const trpc = useTRPC();
  const t = useTranslations("bills");
  const f = useFormat();
  const lb = useLabels();
  const pages = useCursorStack();
  const cursor = pages.cursor;
  const first = useSuspenseQuery(trpc.bills.get.queryOptions({ id, limit: LINES }));
  const later = useQuery({
    ...trpc.bills.get.queryOptions({ id, limit: LINES, cursor }),
    enabled: cursor !== undefined,
  });
  const { bill, vouchers } = first.data;
  const page = cursor === undefined ? first.data : later.data;
  const money = (minor: number) => f.money(minor, bill.currency);
  const closed = bill.status === "Closed";

  const fields: [string, React.ReactNode][] = [
    [
      t("fBillId"),
      <span key="id" className="font-mono">
        {bill.id}
      </span>,
    ],
    [t("fCycle"), bill.cycle],
    [
      t("fAccount"),
      <span key="a" translate="no">
        {t("accountWithUid", { name: bill.accountName, id: bill.accountId })}
      </span>,
    ],
    [t("fStatus"), <BillStatusBadge key="s" status={bill.status} />],
    [t("fClosedAt"), bill.closedAt ? f.dateTime(bill.closedAt) : t("notClosed")],
    [t("fLines"), String(bill.lines)],
  ];

  return (
    <div className="space-y-6">
      <section aria-labelledby="summary-h" className="rounded border border-slate-200 bg-white p-4">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="summary-h" className="text-lg font-semibold">
            {t("summary")}
          </h2>
          <a
            href={`/api/bills/${bill.id}/export`}
            download
            className="inline-flex items-center gap-2 rounded bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-600"
          >
            <Download aria-hidden="true" className="h-4 w-4" />
            {t("downloadCsv")}
          </a>
        </div>
        <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-2 text-sm sm:grid-cols-2 lg:grid-cols-3">
          {fields.map(([label, value]) => (
            <div key={label}>
              <dt className="text-slate-600">{label}</dt>
              <dd className="font-medium break-words">{value}</dd>
            </div>
          ))}
        </dl>
        <dl className="mt-4 grid grid-cols-2 gap-3 text-sm lg:grid-cols-4">
          <Figure testId="bill-total" label={t("total")} value={money(bill.totalMinor)} />
          <Figure
            testId="bill-voucher"
            label={t("voucherDeduction")}
            value={closed ? `−${money(bill.voucherMinor)}` : t("atClose")}
            note={closed ? undefined : t("appliedAtClose")}
          />
          <Figure testId="bill-cash" label={t("cashDue")} value={money(bill.cashMinor)} />
          <Figure
            testId="bill-invoiceable"
            label={t("invoiceable")}
            value={money(bill.invoiceableMinor)}
            note={closed ? t("invoiceableNote") : t("invoiceableLater")}
          />
        </dl>
      </section>

      <section aria-labelledby="vouchers-h" className="rounded border border-slate-200 bg-white p-4">
        <h2 id="vouchers-h" className="text-lg font-semibold">
          {t("vouchersApplied")}
        </h2>
        {vouchers.length === 0 ? (
          <p className="mt-2 text-sm text-slate-700">{closed ? t("noVoucherPaid") : t("noneYet")}</p>
        ) : (
          <ul className="mt-2 divide-y divide-slate-100 text-sm">
            {vouchers.map((v) => (
              <li key={v.couponId} className="flex flex-wrap items-baseline gap-x-4 gap-y-1 py-2">
                <Link
                  href={`/coupons/${v.couponId}`}
                  className="font-mono text-blue-800 underline"
                  aria-label={t("voucherLink", { id: v.couponId })}
                >
                  {v.couponId}
                </Link>
                <span className="tabular-nums">
                  {t("paidOver", { amount: money(v.amountMinor), count: v.lines })}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="lines-h" className="rounded border border-slate-200 bg-white">
        <h2 id="lines-h" className="p-4 text-lg font-semibold">
          {t("billLines")}
        </h2>
        <TableScroll label={t("linesScroll")}>
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">{t("linesCaption", { id: bill.id })}</caption>
            <thead className="bg-slate-100 text-xs uppercase text-slate-700">
              <tr>
                <th scope="col" className={th}>
                  {t("colUsage")}
                </th>
                <th scope="col" className={th}>
                  {t("colProduct")}
                </th>
                <th scope="col" className={th}>
                  {t("colDescription")}
                </th>
                <th scope="col" className={`${th} text-right`}>
                  {t("colAmount")}
                </th>
                <th scope="col" className={th}>
                  {t("colPaidBy")}
                </th>
                <th scope="col" className={`${th} text-right`}>
                  {t("cashDue")}
                </th>
              </tr>
            </thead>
            <tbody>
              {page?.lines.map((l) => (
                <tr key={l.id} className="border-t border-slate-100 align-top">
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums">{f.dateTime(l.usageAt)}</td>
                  <td className="px-3 py-2">{lb.product(l.productCode, l.productName)}</td>
                  <td className="px-3 py-2" translate="no">
                    {l.description || "—"}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {money(l.amountMinor)}
                  </td>
                  <td className="px-3 py-2">
                    {l.deductions.length === 0 ? (
                      <span className="text-slate-600">{closed ? t("none") : t("atClose")}</span>
                    ) : (
                      <ul>
                        {l.deductions.map((d) => (
                          <li key={d.couponId} className="whitespace-nowrap tabular-nums">
                            <Link
                              href={`/coupons/${d.couponId}`}
                              className="font-mono text-blue-800 underline"
                            >
                              {d.couponId}
                            </Link>{" "}
                            −{money(d.amountMinor)}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {money(l.cashMinor)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {page?.lines.length === 0 && <p className="p-8 text-center text-sm">{t("noLines")}</p>}
          {page === undefined && !later.error && (
            <p role="status" className="p-4 text-sm">
              {t("loadingShort")}
            </p>
          )}
          {later.error && cursor !== undefined && (
            <p role="alert" className="p-4 text-sm text-red-800">
              {t("linesError")}
            </p>
          )}
        </TableScroll>
        <PageNav label={t("linePages")} pages={pages} nextCursor={page?.nextCursor} />
      </section>
    </div>
  );
}

function Figure({
  label,
  value,
  note,
  testId,
}: {
  label: string;
  value: string;
  note?: string;
  testId: string;
}) {
  return (
    <div className="rounded border border-slate-200 p-3">
      <dt className="text-slate-600">{label}</dt>
      <dd className="mt-1 text-lg font-semibold tabular-nums" data-testid={testId}>
        {value}
      </dd>
      {note && <dd className="mt-1 text-xs text-slate-600">{note}</dd>}
    </div>
  );
}
