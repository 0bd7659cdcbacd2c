"use client";

import { TableScroll } from "@/components/ui/table-scroll";
import { useSuspenseInfiniteQuery } from "@tanstack/react-query";
import { secondary, Section, td, th } from "@/components/enterprise/shared";
import { formatDateTime, formatMoney } from "@/lib/format";
import { useTRPC } from "@/trpc/client";

const ACTIONS: Record<string, string> = {
  "enterprise.enable": "Enabled the Enterprise Account Center",
  "enterprise.invite": "Invited a member",
  "enterprise.accept": "Accepted the invitation",
  "enterprise.remove_member": "Removed a member",
  "enterprise.relationship_start": "Started financial management",
  "enterprise.relationship_end": "Ended financial management",
  "permission.grant": "Granted a permission",
  "permission.revoke": "Revoked a permission",
  "pool.move_in": "Moved a voucher into the pool",
  "pool.generate": "Generated a voucher",
  "pool.assign": "Shared a voucher",
  "pool.reclaim": "Reclaimed a voucher",
};

function detailText(d: Record<string, unknown>): string {
  return Object.entries(d)
    .map(
      ([k, v]) =>
        `${k}: ${Array.isArray(v) ? v.join(", ") : typeof v === "object" ? JSON.stringify(v) : String(v)}`,
    )
    .join("; ");
}

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
      <div className="flex items-center justify-between">
        <p className="text-sm text-slate-700">Who did what and when, with pool funds before and after.</p>
        <a href="/api/audit/export" download className={secondary}>
          Export audit log (CSV)
        </a>
      </div>
      {items.length === 0 ? (
        <p className="text-sm text-slate-700">Nothing recorded yet.</p>
      ) : (
        <TableScroll label="Audit log table, scrollable">
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">Audit log</caption>
            <thead className="bg-slate-100 text-xs uppercase text-slate-700">
              <tr>
                <th scope="col" className={th}>
                  Time
                </th>
                <th scope="col" className={th}>
                  Actor
                </th>
                <th scope="col" className={th}>
                  Action
                </th>
                <th scope="col" className={th}>
                  Target
                </th>
                <th scope="col" className={`${th} text-right`}>
                  Pool Before
                </th>
                <th scope="col" className={`${th} text-right`}>
                  Pool After
                </th>
                <th scope="col" className={th}>
                  Details
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id} className="border-t border-slate-200 align-top">
                  <td className={`${td} whitespace-nowrap tabular-nums`}>{formatDateTime(a.at, timeZone)}</td>
                  <td className={td}>{a.actorEmail ?? a.actorUserId ?? "—"}</td>
                  <td className={td}>{ACTIONS[a.action] ?? a.action}</td>
                  <td className={`${td} font-mono`}>{a.targetId}</td>
                  <td className={`${td} whitespace-nowrap text-right tabular-nums`}>
                    {money(a.beforeMinor)}
                  </td>
                  <td className={`${td} whitespace-nowrap text-right tabular-nums`}>{money(a.afterMinor)}</td>
                  <td className={`${td} text-xs text-slate-700`}>{detailText(a.details)}</td>
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
