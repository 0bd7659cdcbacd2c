"use client";

import { TableScroll } from "@/components/ui/table-scroll";
import { useSuspenseInfiniteQuery } from "@tanstack/react-query";
import { secondary, Section, td, th } from "@/components/enterprise/shared";
import { useTranslations } from "next-intl";
import { useFormat } from "@/lib/use-format";
import { useTRPC } from "@/trpc/client";

/** R-POOL-5: every enterprise, permission and pool action; newest first; exportable as CSV. */
export function AuditLog() {
  const trpc = useTRPC();
  const t = useTranslations("pool");
  const f = useFormat();
  const { data, fetchNextPage, hasNextPage, isFetchingNextPage } = useSuspenseInfiniteQuery(
    trpc.enterprise.audit.infiniteQueryOptions({ limit: 25 }, { getNextPageParam: (p) => p.nextCursor }),
  );
  const items = data.pages.flatMap((p) => p.items);
  const currency = data.pages[0]?.currency ?? "USD";
  const money = (m: number | null) => (m === null ? "—" : f.money(m, currency));
  return (
    <Section title={t("auditTitle")} id="audit">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-slate-700">{t("auditIntro")}</p>
        <a href="/api/audit/export" download className={secondary}>
          {t("auditExport")}
        </a>
      </div>
      {items.length === 0 ? (
        <p className="text-sm text-slate-700">{t("auditEmpty")}</p>
      ) : (
        <TableScroll label={t("auditScroll")}>
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">{t("auditTitle")}</caption>
            <thead className="bg-slate-100 text-xs uppercase text-slate-700">
              <tr>
                <th scope="col" className={th}>
                  {t("colTime")}
                </th>
                <th scope="col" className={th}>
                  {t("colWho")}
                </th>
                <th scope="col" className={th}>
                  {t("colWhat")}
                </th>
                <th scope="col" className={`${th} text-right`}>
                  {t("colBefore")}
                </th>
                <th scope="col" className={`${th} text-right`}>
                  {t("colAfter")}
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id} className="border-t border-slate-200 align-top">
                  <td className={`${td} whitespace-nowrap tabular-nums`}>{f.dateTime(a.at)}</td>
                  <td className={td} translate="no">
                    {a.actorName ?? "—"}
                    {a.actorEmail && <span className="block text-xs text-slate-600">{a.actorEmail}</span>}
                  </td>
                  <td className={`${td} min-w-72`}>{a.sentence}</td>
                  <td className={`${td} whitespace-nowrap text-right tabular-nums`}>
                    {money(a.beforeMinor)}
                  </td>
                  <td className={`${td} whitespace-nowrap text-right tabular-nums`}>{money(a.afterMinor)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {hasNextPage && (
        <button
          type="button"
          className={secondary}
          disabled={isFetchingNextPage}
          onClick={() => void fetchNextPage()}
        >
          {isFetchingNextPage ? t("loadingShort") : t("older")}
        </button>
      )}
    </Section>
  );
}
