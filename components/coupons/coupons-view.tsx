"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useMemo, useTransition } from "react";
import { StatusBadge } from "@/components/ui/status-badge";
import { type ListState, toSearch } from "@/lib/coupon-list-params";
import { commodityLabel, formatMoney, formatValidity, zoneLabel } from "@/lib/format";
import { STATUS_FILTERS } from "@/server/vouchers/schema";
import { useTRPC } from "@/trpc/client";

const SORTS = [
  { value: "issued:desc", label: "Issued: newest first" },
  { value: "issued:asc", label: "Issued: oldest first" },
  { value: "balance:desc", label: "Balance: largest first" },
  { value: "balance:asc", label: "Balance: smallest first" },
  { value: "expiry:asc", label: "Expiry: soonest first" },
  { value: "expiry:desc", label: "Expiry: latest first" },
] as const;

const control = "mt-1 block rounded border border-slate-300 bg-white px-2 py-1.5 text-sm";

export function CouponsView({
  state,
  timeZone,
  ownAccountId,
  canViewAll,
}: {
  state: ListState;
  timeZone: string;
  ownAccountId: string;
  /** The operator picks one account at a time; administrators may view "All". */
  canViewAll: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const { limit: _l, cursor: _c, sort: _s, dir: _d, ...filters } = state;
  const { data: page } = useSuspenseQuery(trpc.coupons.list.queryOptions(state));
  const { data: totals } = useSuspenseQuery(trpc.coupons.totals.queryOptions(filters));
  const { data: products } = useSuspenseQuery(trpc.catalog.products.queryOptions());
  const names = useMemo(() => new Map(products.map((p) => [p.code, p.name])), [products]);
  const { data: viewable } = useSuspenseQuery(trpc.coupons.accounts.queryOptions());
  const { data: shared } = useSuspenseQuery(trpc.coupons.shared.queryOptions());
  const accountNames = useMemo(() => new Map(viewable.map((a) => [a.id, a.name])), [viewable]);
  // R-LIST-5: an Account column whenever the view is not just the caller's own account.
  const showAccount = state.accountId !== undefined && state.accountId !== ownAccountId;
  const exportHref = `/api/coupons/export${toSearch({ ...state, cursor: undefined })}`;

  const go = (patch: Partial<ListState>) => {
    // Any change of filter or sort starts again from the first page.
    const next = { ...state, cursor: undefined, ...patch };
    startTransition(() => router.push(`${pathname}${toSearch(next)}`));
  };
  const filtered = Boolean(state.status || state.q || state.expiringWithinDays || state.type !== "all");

  return (
    <div className="space-y-4" aria-busy={pending}>
      <section aria-label="Totals" className="grid grid-cols-1 gap-3 sm:grid-cols-3">
        {(totals.length
          ? totals
          : [{ currency: "USD", availableMinor: 0, count: 0, expiring30Minor: 0 }]
        ).map((t) => (
          <div key={t.currency} className="contents">
            <Stat label="Available balance" value={formatMoney(t.availableMinor, t.currency)} />
            <Stat label="Vouchers" value={String(t.count)} />
            <Stat label="Expiring in 30 days" value={formatMoney(t.expiring30Minor, t.currency)} />
          </div>
        ))}
      </section>

      <form
        aria-label="Filter coupons"
        className="flex flex-wrap items-end gap-3 rounded border border-slate-200 bg-white p-3"
        onSubmit={(e) => {
          e.preventDefault();
          const q = String(new FormData(e.currentTarget).get("q") ?? "").trim();
          go({ q: q || undefined });
        }}
      >
        {viewable.length > 1 && (
          <label className="text-sm">
            Account
            <select
              className={control}
              value={state.accountId ?? ownAccountId}
              onChange={(e) =>
                go({ accountId: e.target.value === ownAccountId ? undefined : e.target.value })
              }
            >
              {canViewAll && <option value="all">All accounts</option>}
              {viewable.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.id}){a.id === ownAccountId ? " — you" : ""}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="text-sm">
          Coupon Type
          <select
            className={control}
            value={state.type}
            onChange={(e) => go({ type: e.target.value as ListState["type"] })}
          >
            <option value="all">All</option>
            <option value="cash">Cash Coupon</option>
            <option value="discount">Discount Coupon</option>
          </select>
        </label>
        <label className="text-sm">
          Status
          <select
            className={control}
            value={state.status ?? ""}
            onChange={(e) => go({ status: (e.target.value || undefined) as ListState["status"] })}
          >
            <option value="">All statuses</option>
            {Object.entries(STATUS_FILTERS).map(([slug, label]) => (
              <option key={slug} value={slug}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          Expiring within
          <select
            className={control}
            value={state.expiringWithinDays ?? ""}
            onChange={(e) => go({ expiringWithinDays: e.target.value ? Number(e.target.value) : undefined })}
          >
            <option value="">Any time</option>
            <option value="7">7 days</option>
            <option value="30">30 days</option>
            <option value="90">90 days</option>
          </select>
        </label>
        <label className="text-sm">
          Sort by
          <select
            className={control}
            value={`${state.sort}:${state.dir}`}
            onChange={(e) => {
              const [sort, dir] = e.target.value.split(":") as [ListState["sort"], ListState["dir"]];
              go({ sort, dir });
            }}
          >
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          Coupon ID
          <input
            key={state.q ?? ""}
            name="q"
            defaultValue={state.q ?? ""}
            placeholder="e.g. CP-7Q2M"
            className={`${control} w-44`}
          />
        </label>
        <button
          type="submit"
          className="rounded bg-slate-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700"
        >
          Search
        </button>
        {filtered && (
          <Link href={pathname} className="py-1.5 text-sm text-blue-800 underline">
            Clear filters
          </Link>
        )}
        <a
          href={exportHref}
          download
          className="ml-auto rounded border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100"
        >
          Export list (CSV)
        </a>
      </form>

      <div className="overflow-x-auto rounded border border-slate-200 bg-white">
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">Coupons, times in {zoneLabel(timeZone)}</caption>
          <thead className="bg-slate-100 text-xs uppercase text-slate-700">
            <tr>
              <th scope="col" className="px-3 py-2">
                ID
              </th>
              {showAccount && (
                <th scope="col" className="px-3 py-2">
                  Account
                </th>
              )}
              <th scope="col" className="px-3 py-2 text-right">
                Nominal Value
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Balance
              </th>
              <th scope="col" className="px-3 py-2">
                Applicable Commodity
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Limit on Order Amount
              </th>
              <th scope="col" className="px-3 py-2">
                Status
              </th>
              <th scope="col" className="px-3 py-2">
                Validity Period ({zoneLabel(timeZone)})
              </th>
              <th scope="col" className="px-3 py-2">
                Actions
              </th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((c) => (
              <tr key={c.id} className="border-t border-slate-100 align-top">
                <td className="whitespace-nowrap px-3 py-2 font-mono">
                  {c.id}
                  <div className="font-sans text-xs text-slate-600">
                    {c.couponType}
                    {c.discountBps !== null && ` · ${c.discountBps / 100}% off`}
                  </div>
                </td>
                {showAccount && (
                  <td className="px-3 py-2">
                    {accountNames.get(c.accountId) ?? c.accountId}
                    <div className="text-xs text-slate-600">UID {c.accountId}</div>
                  </td>
                )}
                <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                  {formatMoney(c.nominalMinor, c.currency)}
                </td>
                <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                  {formatMoney(c.balanceMinor, c.currency)}
                </td>
                <td className="px-3 py-2">{commodityLabel(c.commodities, names)}</td>
                <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                  {c.minOrderMinor === 0 ? "None" : `≥ ${formatMoney(c.minOrderMinor, c.currency)}`}
                </td>
                <td className="px-3 py-2">
                  <StatusBadge status={c.status} />
                </td>
                <td className="whitespace-nowrap px-3 py-2 tabular-nums">
                  {formatValidity(c.effectiveFrom, c.expiresAt, timeZone)}
                </td>
                <td className="px-3 py-2">
                  <Link
                    href={`/coupons/${c.id}`}
                    className="whitespace-nowrap text-blue-800 underline"
                    aria-label={`View details of ${c.id}`}
                  >
                    View Details
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {page.items.length === 0 && (
          <div className="p-8 text-center text-sm text-slate-700">
            <p className="font-medium">
              {filtered ? "No coupons match these filters." : "You have no coupons yet."}
            </p>
            <p className="mt-1">
              {filtered ? (
                <Link href={pathname} className="text-blue-800 underline">
                  Clear the filters
                </Link>
              ) : (
                "Vouchers issued to your account or shared with it appear here."
              )}
            </p>
          </div>
        )}
      </div>

      <nav aria-label="Pagination" className="flex items-center gap-3 text-sm">
        {state.cursor && (
          <button
            type="button"
            className="rounded border border-slate-300 bg-white px-3 py-1.5"
            onClick={() => go({})}
          >
            First page
          </button>
        )}
        {page.nextCursor && (
          <button
            type="button"
            className="rounded border border-slate-300 bg-white px-3 py-1.5"
            onClick={() => go({ cursor: page.nextCursor ?? undefined })}
          >
            Next page
          </button>
        )}
        {pending && <span role="status">Loading…</span>}
      </nav>

      {shared.length > 0 && !showAccount && (
        <section aria-labelledby="shared-h" className="rounded border border-slate-200 bg-white">
          <h2 id="shared-h" className="p-4 text-lg font-semibold">
            Shared with your account
          </h2>
          <p className="px-4 pb-2 text-sm text-slate-700">
            Vouchers another account (such as your enterprise's quota pool) shares with you. Use them on the
            payment page.
          </p>
          <ul className="divide-y divide-slate-100 text-sm">
            {shared.map((c) => (
              <li key={c.id} className="flex flex-wrap items-center gap-4 px-4 py-2">
                <span className="font-mono">{c.id}</span>
                <span className="tabular-nums">Balance {formatMoney(c.balanceMinor, c.currency)}</span>
                <StatusBadge status={c.status} />
                <span>{formatValidity(c.effectiveFrom, c.expiresAt, timeZone)}</span>
                <Link
                  href={`/coupons/${c.id}`}
                  className="text-blue-800 underline"
                  aria-label={`View details of shared voucher ${c.id}`}
                >
                  View Details
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded border border-slate-200 bg-white p-4">
      <p className="text-sm text-slate-600">{label}</p>
      <p className="mt-1 text-xl font-semibold tabular-nums">{value}</p>
    </div>
  );
}
