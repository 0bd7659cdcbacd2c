"use client";

import { TableScroll } from "@/components/ui/table-scroll";
import { useSuspenseInfiniteQuery } from "@tanstack/react-query";
import { secondary, Section, td, th } from "@/components/enterprise/shared";
import { formatDateTime, formatMoney } from "@/lib/format";
import { useTRPC } from "@/trpc/client";

/** R-POOL-5: every enterprise, permission and pool action; newest first; exportable as CSV. */
export function AuditLog({ timeZone }: { timeZone: string }) {
  const trpc = useTRPC();
  const { data, fetchNextPage, hasNextPage, isFetchingNextPage } = useSuspenseInfiniteQuery(
    trpc.enterprise.audit.infiniteQueryOptions({ limit: 25 }, { getNextPageParam: (p) => p.nextCursor }),
  );
  const items = data.pages.flatMap((p) => p.items);
  const currency = data.pages[0]?.currency ?? "USD";
  const money = (m: number | null) => (m === null ? "—" : formatMoney(m, currency));
  return (
    <Section title="Audit log" id="audit">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-sm text-slate-700">
          Who did what and when, with pool funds before and after. The CSV also has the machine-readable
          columns (action code, target, details).
        </p>
        <a href="/api/audit/export" download className={secondary}>
          Export audit log (CSV)
        </a>
      </div>
      {items.length === 0 ? (
        <p className="text-sm text-slate-700">Nothing recorded yet.</p>
      ) : (
        <TableScroll label="Scrollable table of audit entries">
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">Audit log</caption>
            <thead className="bg-slate-100 text-xs uppercase text-slate-700">
              <tr>
                <th scope="col" className={th}>
                  Time
                </th>
                <th scope="col" className={th}>
                  Who
                </th>
                <th scope="col" className={th}>
                  What happened
                </th>
                <th scope="col" className={`${th} text-right`}>
                  Pool Before
                </th>
                <th scope="col" className={`${th} text-right`}>
                  Pool After
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id} className="border-t border-slate-200 align-top">
                  <td className={`${td} whitespace-nowrap tabular-nums`}>{formatDateTime(a.at, timeZone)}</td>
                  <td className={td}>
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
          {isFetchingNextPage ? "Loading…" : "Show older entries"}
        </button>
      )}
    </Section>
  );
}
