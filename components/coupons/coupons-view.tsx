"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useMemo, useOptimistic, useState, useTransition } from "react";
import { StatusBadge } from "@/components/ui/status-badge";
import { type ListState, toSearch } from "@/lib/coupon-list-params";
import { commodityLabel, formatDateTime, formatMoney, formatValidity, zoneLabel } from "@/lib/format";
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

const control = "mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1.5 text-sm sm:w-auto";
const DAY = 86_400_000;
/** A voucher is flagged in the list when it is Available and expires within this many days. */
const SOON_DAYS = 7;

export const scopeLabel = (scopes: readonly string[]) => (scopes.length ? scopes.join(", ") : "General");

/**
 * The previous pages' cursors, kept per list (filters and sort) for this browser tab, so "Previous
 * page" returns exactly to the page before. A page opened from a link has no trail: "First page".
 */
function useTrail(key: string) {
  const storageKey = `coupons-trail:${key}`;
  const [trail, setTrail] = useState<string[]>([]);
  useEffect(() => {
    try {
      setTrail(JSON.parse(sessionStorage.getItem(storageKey) ?? "[]"));
    } catch {
      setTrail([]);
    }
  }, [storageKey]);
  const save = (next: string[]) => {
    setTrail(next);
    try {
      sessionStorage.setItem(storageKey, JSON.stringify(next));
    } catch {
      // Storage may be unavailable (private mode): paging still works, without "Previous".
    }
  };
  return { trail, save };
}

export function CouponsView({
  state,
  timeZone,
  ownAccountId,
  canViewAll,
  renderedAt,
}: {
  state: ListState;
  timeZone: string;
  ownAccountId: string;
  /** The operator picks one account at a time; administrators may view "All". */
  canViewAll: boolean;
  /** The server's clock when the page was made: "expires soon" is judged against it on both sides. */
  renderedAt: number;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  // The controls show the choice at once while the new page loads (they do not snap back).
  const [shown, setShown] = useOptimistic(state);
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
  const listKey = toSearch({ ...state, cursor: undefined });
  const { trail, save } = useTrail(listKey);
  const zone = zoneLabel(timeZone);

  const go = (patch: Partial<ListState>, opts: { keepTrail?: boolean } = {}) => {
    // Any change of filter or sort starts again from the first page.
    const next = { ...state, cursor: undefined, ...patch };
    if (!opts.keepTrail) save([]);
    startTransition(() => {
      setShown(next);
      router.push(`${pathname}${toSearch(next)}`);
    });
  };
  const filtered = Boolean(state.status || state.q || state.expiringWithinDays || state.type !== "all");
  const soon = (c: { status: string; expiresAt: string }) =>
    c.status === "Available" && Date.parse(c.expiresAt) - renderedAt <= SOON_DAYS * DAY;
  const daysLeft = (iso: string) => Math.max(0, Math.ceil((Date.parse(iso) - renderedAt) / DAY));
  const sortOf = (key: ListState["sort"]) =>
    state.sort === key ? (state.dir === "asc" ? "ascending" : "descending") : undefined;
  const sortMark = (key: ListState["sort"]) =>
    state.sort === key ? (state.dir === "asc" ? " ↑" : " ↓") : "";
  const expiringOnly = shown.expiringWithinDays === SOON_DAYS;

  return (
    <div className="space-y-4">
      <Totals
        totals={totals}
        filtered={filtered}
        showsShared={state.accountId === undefined || state.accountId === ownAccountId}
      />

      <form
        aria-label="Filter coupons"
        className="grid grid-cols-1 gap-3 rounded border border-slate-200 bg-white p-3 sm:flex sm:flex-wrap sm:items-end"
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
              value={shown.accountId ?? ownAccountId}
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
            value={shown.type}
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
            value={shown.status ?? ""}
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
            value={shown.expiringWithinDays ?? ""}
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
            value={`${shown.sort}:${shown.dir}`}
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
            className={`${control} sm:w-44`}
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
          className="rounded border border-slate-300 bg-white px-3 py-1.5 text-center text-sm font-medium hover:bg-slate-100 sm:ml-auto"
        >
          Export list (CSV)
        </a>
      </form>

      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-slate-600">Quick filter:</span>
        <button
          type="button"
          aria-pressed={expiringOnly}
          className={`rounded-full border px-3 py-1 ${expiringOnly ? "border-amber-500 bg-amber-100 font-medium text-amber-950" : "border-slate-300 bg-white hover:bg-slate-100"}`}
          onClick={() => go({ expiringWithinDays: expiringOnly ? undefined : SOON_DAYS })}
        >
          Expiring within {SOON_DAYS} days
        </button>
        <span role="status" aria-live="polite" className="text-slate-700">
          {pending ? "Loading…" : ""}
        </span>
      </div>

      <div
        aria-busy={pending}
        className={`rounded border border-slate-200 bg-white transition-opacity ${pending ? "opacity-60" : ""}`}
      >
        {/* Phones: one card per voucher (R-UX-1). */}
        <ul aria-label="Coupons" className="divide-y divide-slate-200 md:hidden">
          {page.items.map((c) => (
            <li key={c.id} className={`p-3 text-sm ${soon(c) ? "bg-amber-50" : ""}`}>
              <div className="flex items-start justify-between gap-2">
                <div className="min-w-0">
                  <p className="break-all font-mono font-medium">{c.id}</p>
                  <p className="text-xs text-slate-600">
                    {c.couponType}
                    {c.discountBps !== null && ` · ${c.discountBps / 100}% off`}
                  </p>
                </div>
                <StatusBadge status={c.status} />
              </div>
              <dl className="mt-2 grid grid-cols-2 gap-x-3 gap-y-1">
                <dt className="text-slate-600">Balance</dt>
                <dd className="text-right font-medium tabular-nums">
                  {formatMoney(c.balanceMinor, c.currency)}
                </dd>
                <dt className="text-slate-600">Nominal Value</dt>
                <dd className="text-right tabular-nums">{formatMoney(c.nominalMinor, c.currency)}</dd>
                {showAccount && (
                  <>
                    <dt className="text-slate-600">Account</dt>
                    <dd className="text-right">{accountNames.get(c.accountId) ?? c.accountId}</dd>
                  </>
                )}
                <dt className="text-slate-600">Commodity</dt>
                <dd className="text-right">{commodityLabel(c.commodities, names)}</dd>
                <dt className="text-slate-600">Scope</dt>
                <dd className="text-right">{scopeLabel(c.scopes)}</dd>
                <dt className="text-slate-600">Order limit</dt>
                <dd className="text-right">
                  {c.minOrderMinor === 0 ? "None" : `≥ ${formatMoney(c.minOrderMinor, c.currency)}`}
                </dd>
              </dl>
              <p className="mt-2 text-xs text-slate-700">
                Valid {formatValidity(c.effectiveFrom, c.expiresAt, timeZone)} ({zone})
              </p>
              {soon(c) && <SoonNote days={daysLeft(c.expiresAt)} />}
              <Link
                href={`/coupons/${c.id}`}
                className="mt-2 inline-block text-blue-800 underline"
                aria-label={`View details of ${c.id}`}
              >
                View Details
              </Link>
            </li>
          ))}
        </ul>

        <div className="hidden overflow-x-auto md:block">
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">
              Coupons, sorted by {SORTS.find((s) => s.value === `${state.sort}:${state.dir}`)?.label}, times
              in {zone}
            </caption>
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
                <th scope="col" className="px-3 py-2 text-right" aria-sort={sortOf("balance")}>
                  Balance{sortMark("balance")}
                </th>
                <th scope="col" className="px-3 py-2">
                  Applicable Commodity
                </th>
                <th scope="col" className="px-3 py-2">
                  Applicable Scope
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  Limit on Order Amount
                </th>
                <th scope="col" className="px-3 py-2">
                  Status
                </th>
                <th scope="col" className="px-3 py-2" aria-sort={sortOf("expiry")}>
                  Validity Period ({zone}){sortMark("expiry")}
                </th>
                <th scope="col" className="px-3 py-2" aria-sort={sortOf("issued")}>
                  Issued ({zone}){sortMark("issued")}
                </th>
                <th scope="col" className="px-3 py-2">
                  Actions
                </th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((c) => (
                <tr
                  key={c.id}
                  className={`border-t border-slate-100 align-top ${soon(c) ? "bg-amber-50" : ""}`}
                  data-expiring-soon={soon(c) || undefined}
                >
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
                  <td className="px-3 py-2">{scopeLabel(c.scopes)}</td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {c.minOrderMinor === 0 ? "None" : `≥ ${formatMoney(c.minOrderMinor, c.currency)}`}
                  </td>
                  <td className="px-3 py-2">
                    <StatusBadge status={c.status} />
                    {soon(c) && <SoonNote days={daysLeft(c.expiresAt)} />}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums">
                    {formatValidity(c.effectiveFrom, c.expiresAt, timeZone)}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums">
                    {formatDateTime(c.issuedAt, timeZone)}
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
        </div>
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

      <nav aria-label="Pagination" className="flex flex-wrap items-center gap-3 text-sm">
        {state.cursor && trail.length > 0 && (
          <button
            type="button"
            className="rounded border border-slate-300 bg-white px-3 py-1.5"
            onClick={() => {
              const previous = trail.at(-1) ?? "";
              save(trail.slice(0, -1));
              go({ cursor: previous || undefined }, { keepTrail: true });
            }}
          >
            Previous page
          </button>
        )}
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
            onClick={() => {
              save([...trail, state.cursor ?? ""]);
              go({ cursor: page.nextCursor ?? undefined }, { keepTrail: true });
            }}
          >
            Next page
          </button>
        )}
      </nav>

      {shared.length > 0 && !showAccount && (
        <section aria-labelledby="shared-h" className="rounded border border-slate-200 bg-white">
          <h2 id="shared-h" className="p-4 text-lg font-semibold">
            Shared with your account
          </h2>
          <p className="px-4 pb-2 text-sm text-slate-700">
            Vouchers another account (such as your enterprise's quota pool) shares with you. Use them on the
            payment page; the available ones count in "Available to spend" above.
          </p>
          <ul className="divide-y divide-slate-100 text-sm">
            {shared.map((c) => (
              <li key={c.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-2">
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

function SoonNote({ days }: { days: number }) {
  return (
    <span className="mt-1 block text-xs font-medium text-amber-900">
      {days <= 1 ? "Expires within a day" : `Expires in ${days} days`}
    </span>
  );
}

type Total = {
  currency: string;
  listCount: number;
  spendableMinor: number;
  spendableCount: number;
  sharedMinor: number;
  sharedCount: number;
  expiring30Minor: number;
};

/** R-LIST-4: three totals, each saying exactly what it counts. */
function Totals({
  totals,
  filtered,
  showsShared,
}: {
  totals: Total[];
  filtered: boolean;
  showsShared: boolean;
}) {
  const rows: Total[] = totals.length
    ? totals
    : [
        {
          currency: "USD",
          listCount: 0,
          spendableMinor: 0,
          spendableCount: 0,
          sharedMinor: 0,
          sharedCount: 0,
          expiring30Minor: 0,
        },
      ];
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return (
    <section aria-label="Totals" className="grid grid-cols-1 gap-3 sm:grid-cols-3">
      {rows.map((t) => (
        <div key={t.currency} className="contents">
          <Stat
            label="Available to spend"
            value={formatMoney(t.spendableMinor, t.currency)}
            note={`${plural(t.spendableCount, "available cash voucher", "available cash vouchers")}${
              t.sharedCount > 0
                ? `, including ${plural(t.sharedCount, "voucher", "vouchers")} shared with ${showsShared ? "you" : "these accounts"} (${formatMoney(t.sharedMinor, t.currency)})`
                : ""
            }. Not affected by the filters.`}
          />
          <Stat
            label="Expiring within 30 days"
            value={formatMoney(t.expiring30Minor, t.currency)}
            note="The part of the amount available to spend that expires in the next 30 days."
          />
          <Stat
            label={filtered ? "Matching the filters" : "Vouchers in the list"}
            value={plural(t.listCount, "voucher", "vouchers")}
            testId="list-count"
            note="Every type and status in the list below (used up and expired too); the CSV export has the same rows."
          />
        </div>
      ))}
    </section>
  );
}

function Stat({
  label,
  value,
  note,
  testId,
}: {
  label: string;
  value: string;
  note: string;
  testId?: string;
}) {
  return (
    <div className="rounded border border-slate-200 bg-white p-4">
      <p className="text-sm text-slate-600">{label}</p>
      <p className="mt-1 break-words text-xl font-semibold tabular-nums" data-testid={testId}>
        {value}
      </p>
      <p className="mt-1 text-xs text-slate-600">{note}</p>
    </div>
  );
}
