"use client";

import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useTransition } from "react";
import { PageNav, useCursorStack } from "@/components/ui/cursor-pages";
import { formatDateTime, formatMoney, zoneLabel } from "@/lib/format";
import { useTRPC } from "@/trpc/client";
import { AccountFilter, BillStatusBadge, th } from "./shared";
import { TableScroll } from "@/components/ui/table-scroll";

const PAGE = 24;

/** Billing > Bills (R-PAYG-1): pay-as-you-go bills, newest cycle first, keyset pages. */
export function BillsView({
  accountId,
  ownAccountId,
  timeZone,
}: {
  /** The account filter from the URL: one UID, "all", or undefined (the caller's own). */
  accountId: string | undefined;
  ownAccountId: string;
  timeZone: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const { data: viewable } = useSuspenseQuery(trpc.bills.accounts.queryOptions());
  const pages = useCursorStack();
  const cursor = pages.cursor;
  const first = useSuspenseQuery(trpc.bills.list.queryOptions({ accountId, limit: PAGE }));
  const later = useQuery({
    ...trpc.bills.list.queryOptions({ accountId, limit: PAGE, cursor }),
    enabled: cursor !== undefined,
  });
  const page = cursor === undefined ? first.data : later.data;
  const showAccount = viewable.length > 1;
  const zone = zoneLabel(timeZone);

  return (
    <div className="space-y-4" aria-busy={pending}>
      {viewable.length > 1 && (
        <div className="rounded border border-slate-200 bg-white p-3">
          <AccountFilter
            accounts={viewable}
            ownAccountId={ownAccountId}
            value={accountId ?? ownAccountId}
            onChange={(next) =>
              startTransition(() =>
                router.push(
                  next === ownAccountId ? pathname : `${pathname}?account=${encodeURIComponent(next)}`,
                ),
              )
            }
          />
        </div>
      )}
      <section aria-labelledby="bills-h" className="rounded border border-slate-200 bg-white">
        <h2 id="bills-h" className="p-4 text-lg font-semibold">
          Pay-as-you-go bills
        </h2>
        <p className="px-4 pb-3 text-sm text-slate-700">
          Usage is billed by calendar month. When a cycle closes, applicable vouchers pay the lines first; the
          rest is due in cash.
        </p>
        <TableScroll label="Scrollable table of bills">
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">Bills, newest billing cycle first, times in {zone}</caption>
            <thead className="bg-slate-100 text-xs uppercase text-slate-700">
              <tr>
                <th scope="col" className={th}>
                  Billing Cycle
                </th>
                <th scope="col" className={th}>
                  Bill ID
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
                  Voucher Deduction
                </th>
                <th scope="col" className={`${th} text-right`}>
                  Cash Due
                </th>
                <th scope="col" className={th}>
                  Status
                </th>
                <th scope="col" className={th}>
                  Closed At ({zone})
                </th>
              </tr>
            </thead>
            <tbody>
              {page?.items.map((b) => (
                <tr key={b.id} className="border-t border-slate-100">
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums">{b.cycle}</td>
                  <td className="whitespace-nowrap px-3 py-2 font-mono">
                    <Link
                      href={`/bills/${b.id}`}
                      className="text-blue-800 underline"
                      aria-label={`Bill ${b.id}, ${b.cycle}`}
                    >
                      {b.id}
                    </Link>
                    <div className="font-sans text-xs text-slate-600">
                      {b.lines} {b.lines === 1 ? "line" : "lines"}
                    </div>
                  </td>
                  {showAccount && (
                    <td className="px-3 py-2">
                      {b.accountName}
                      <div className="text-xs text-slate-600">UID {b.accountId}</div>
                    </td>
                  )}
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {formatMoney(b.totalMinor, b.currency)}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {b.status === "Open" ? (
                      <span className="text-slate-600">At close</span>
                    ) : (
                      `−${formatMoney(b.voucherMinor, b.currency)}`
                    )}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {formatMoney(b.cashMinor, b.currency)}
                  </td>
                  <td className="px-3 py-2">
                    <BillStatusBadge status={b.status} />
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums">
                    {b.closedAt ? formatDateTime(b.closedAt, timeZone) : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {page?.items.length === 0 && (
            <div className="p-8 text-center text-sm text-slate-700">
              <p className="font-medium">No bills yet.</p>
              <p className="mt-1">
                Pay-as-you-go usage is billed monthly; a bill appears here as soon as the first usage of a
                month is recorded.
              </p>
            </div>
          )}
          {page === undefined && (
            <p role="status" className="p-4 text-sm">
              Loading…
            </p>
          )}
          {later.error && cursor !== undefined && (
            <p role="alert" className="p-4 text-sm text-red-800">
              We could not load this page of bills: {later.error.message}
            </p>
          )}
        </TableScroll>
        <PageNav label="Bill pages" pages={pages} nextCursor={page?.nextCursor} />
      </section>
      {pending && (
        <p role="status" className="text-sm">
          Loading…
        </p>
      )}
    </div>
  );
}
