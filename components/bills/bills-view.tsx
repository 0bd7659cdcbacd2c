"use client";

import { useQuery, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useTransition } from "react";
import { PageNav, useCursorStack } from "@/components/ui/cursor-pages";
import { useTranslations } from "next-intl";
import { useFormat } from "@/lib/use-format";
import { useTRPC } from "@/trpc/client";
import { AccountFilter, BillStatusBadge, th } from "./shared";
import { TableScroll } from "@/components/ui/table-scroll";

const PAGE = 24;

/** Billing > Bills (R-PAYG-1): pay-as-you-go bills, newest cycle first, keyset pages. */
export function BillsView({
  accountId,
  ownAccountId,
}: {
  /** The account filter from the URL: one UID, "all", or undefined (the caller's own). */
  accountId: string | undefined;
  ownAccountId: string;
}) {
  const trpc = useTRPC();
  const t = useTranslations("bills");
  const f = useFormat();
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
          {t("paygTitle")}
        </h2>
        <p className="px-4 pb-3 text-sm text-slate-700">{t("paygIntro")}</p>
        <TableScroll label={t("scrollTable")}>
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">{t("caption")}</caption>
            <thead className="bg-slate-100 text-xs uppercase text-slate-700">
              <tr>
                <th scope="col" className={th}>
                  {t("colCycle")}
                </th>
                <th scope="col" className={th}>
                  {t("colId")}
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
                  {t("colCash")}
                </th>
                <th scope="col" className={th}>
                  {t("colStatus")}
                </th>
                <th scope="col" className={th}>
                  {t("colClosed")}
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
                      aria-label={t("billLink", { id: b.id, cycle: b.cycle })}
                    >
                      {b.id}
                    </Link>
                    <div className="font-sans text-xs text-slate-600">{t("lines", { count: b.lines })}</div>
                  </td>
                  {showAccount && (
                    <td className="px-3 py-2">
                      <span translate="no">{b.accountName}</span>
                      <div className="text-xs text-slate-600">{t("uid", { id: b.accountId })}</div>
                    </td>
                  )}
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {f.money(b.totalMinor, b.currency)}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {b.status === "Open" ? (
                      <span className="text-slate-600">{t("atClose")}</span>
                    ) : (
                      `−${f.money(b.voucherMinor, b.currency)}`
                    )}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {f.money(b.cashMinor, b.currency)}
                  </td>
                  <td className="px-3 py-2">
                    <BillStatusBadge status={b.status} />
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums">
                    {b.closedAt ? f.dateTime(b.closedAt) : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {page?.items.length === 0 && (
            <div className="p-8 text-center text-sm text-slate-700">
              <p className="font-medium">{t("noBills")}</p>
              <p className="mt-1">{t("noBillsHint")}</p>
            </div>
          )}
          {page === undefined && (
            <p role="status" className="p-4 text-sm">
              {t("loadingShort")}
            </p>
          )}
          {later.error && cursor !== undefined && (
            <p role="alert" className="p-4 text-sm text-red-800">
              {t("pageError")}
            </p>
          )}
        </TableScroll>
        <PageNav label={t("billPages")} pages={pages} nextCursor={page?.nextCursor} />
      </section>
      {pending && (
        <p role="status" className="text-sm">
          {t("loadingShort")}
        </p>
      )}
    </div>
  );
}
