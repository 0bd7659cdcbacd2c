"use client";

import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import { Download } from "lucide-react";
import Link from "next/link";
import { PageNav, useCursorStack } from "@/components/ui/cursor-pages";
import { formatDateTime, formatMoney, zoneLabel } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { BillStatusBadge, th } from "./shared";
import { TableScroll } from "@/components/ui/table-scroll";

const LINES = 100;

/** One pay-as-you-go bill (R-PAYG-1, R-INV-1): summary, the vouchers that paid it, its lines. */
export function BillDetails({ id, timeZone }: { id: string; timeZone: string }) {
  const trpc = useTRPC();
  const pages = useCursorStack();
  const cursor = pages.cursor;
  const first = useSuspenseQuery(trpc.bills.get.queryOptions({ id, limit: LINES }));
  const later = useQuery({
    ...trpc.bills.get.queryOptions({ id, limit: LINES, cursor }),
    enabled: cursor !== undefined,
  });
  const { bill, vouchers } = first.data;
  const page = cursor === undefined ? first.data : later.data;
  const zone = zoneLabel(timeZone);
  const money = (minor: number) => formatMoney(minor, bill.currency);
  const closed = bill.status === "Closed";

  const fields: [string, React.ReactNode][] = [
    [
      "Bill ID",
      <span key="id" className="font-mono">
        {bill.id}
      </span>,
    ],
    ["Billing Cycle", bill.cycle],
    ["Account", `${bill.accountName} (UID ${bill.accountId})`],
    ["Status", <BillStatusBadge key="s" status={bill.status} />],
    [`Closed At (${zone})`, bill.closedAt ? formatDateTime(bill.closedAt, timeZone) : "Not yet closed"],
    ["Lines", String(bill.lines)],
  ];

  return (
    <div className="space-y-6">
      <section aria-labelledby="summary-h" className="rounded border border-slate-200 bg-white p-4">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="summary-h" className="text-lg font-semibold">
            Summary
          </h2>
          <a
            href={`/api/bills/${bill.id}/export`}
            download
            className="inline-flex items-center gap-2 rounded bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-600"
          >
            <Download aria-hidden="true" className="h-4 w-4" />
            Download CSV
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
          <Figure testId="bill-total" label="Total" value={money(bill.totalMinor)} />
          <Figure
            testId="bill-voucher"
            label="Voucher Deduction"
            value={closed ? `−${money(bill.voucherMinor)}` : "At close"}
            note={closed ? undefined : "Vouchers are applied when the cycle closes."}
          />
          <Figure testId="bill-cash" label="Cash Due" value={money(bill.cashMinor)} />
          <Figure
            testId="bill-invoiceable"
            label="Invoiceable Amount"
            value={money(bill.invoiceableMinor)}
            note={
              closed
                ? "The cash part only: the part paid with vouchers is not invoiced."
                : "Known once the bill is closed."
            }
          />
        </dl>
      </section>

      <section aria-labelledby="vouchers-h" className="rounded border border-slate-200 bg-white p-4">
        <h2 id="vouchers-h" className="text-lg font-semibold">
          Vouchers applied
        </h2>
        {vouchers.length === 0 ? (
          <p className="mt-2 text-sm text-slate-700">
            {closed
              ? "No voucher applied to this bill: it is paid in cash."
              : "None yet. When the billing cycle closes, the account's applicable vouchers pay the lines in priority order."}
          </p>
        ) : (
          <ul className="mt-2 divide-y divide-slate-100 text-sm">
            {vouchers.map((v) => (
              <li key={v.couponId} className="flex flex-wrap items-baseline gap-x-4 gap-y-1 py-2">
                <Link
                  href={`/coupons/${v.couponId}`}
                  className="font-mono text-blue-800 underline"
                  aria-label={`Voucher ${v.couponId}: deduction details`}
                >
                  {v.couponId}
                </Link>
                <span className="tabular-nums">
                  paid {money(v.amountMinor)} over {v.lines} {v.lines === 1 ? "line" : "lines"}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="lines-h" className="rounded border border-slate-200 bg-white">
        <h2 id="lines-h" className="p-4 text-lg font-semibold">
          Bill lines
        </h2>
        <TableScroll label="Scrollable table of bill lines">
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">
              Lines of bill {bill.id} in usage order, times in {zone}
            </caption>
            <thead className="bg-slate-100 text-xs uppercase text-slate-700">
              <tr>
                <th scope="col" className={th}>
                  Usage Time ({zone})
                </th>
                <th scope="col" className={th}>
                  Product
                </th>
                <th scope="col" className={th}>
                  Description
                </th>
                <th scope="col" className={`${th} text-right`}>
                  Amount
                </th>
                <th scope="col" className={th}>
                  Paid by Voucher(s)
                </th>
                <th scope="col" className={`${th} text-right`}>
                  Cash Due
                </th>
              </tr>
            </thead>
            <tbody>
              {page?.lines.map((l) => (
                <tr key={l.id} className="border-t border-slate-100 align-top">
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums">
                    {formatDateTime(l.usageAt, timeZone)}
                  </td>
                  <td className="px-3 py-2">{l.productName}</td>
                  <td className="px-3 py-2">{l.description || "—"}</td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {money(l.amountMinor)}
                  </td>
                  <td className="px-3 py-2">
                    {l.deductions.length === 0 ? (
                      <span className="text-slate-600">{closed ? "None" : "At close"}</span>
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
          {page?.lines.length === 0 && <p className="p-8 text-center text-sm">This bill has no lines.</p>}
          {page === undefined && !later.error && (
            <p role="status" className="p-4 text-sm">
              Loading…
            </p>
          )}
          {later.error && cursor !== undefined && (
            <p role="alert" className="p-4 text-sm text-red-800">
              We could not load these lines: {later.error.message}
            </p>
          )}
        </TableScroll>
        <PageNav label="Bill line pages" pages={pages} nextCursor={page?.nextCursor} />
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
