"use client";

import { useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useMemo, useOptimistic, useState, useTransition } from "react";
import { StatusBadge } from "@/components/ui/status-badge";
import { type ListState, toSearch } from "@/lib/coupon-list-params";
import { useTranslations } from "next-intl";
import { useFormat } from "@/lib/use-format";
import { useLabels } from "@/lib/use-labels";
import { STATUS_FILTERS } from "@/server/vouchers/schema";
import { useTRPC } from "@/trpc/client";

/** Sort choices; labels in the `coupons.sort` catalog. */
const SORTS = [
  "issued:desc",
  "issued:asc",
  "balance:desc",
  "balance:asc",
  "expiry:asc",
  "expiry:desc",
] as const;

const control = "mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1.5 text-sm sm:w-auto";
const DAY = 86_400_000;
/** A voucher is flagged in the list when it is Available and expires within this many days. */
const SOON_DAYS = 7;

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
  ownAccountId,
  canViewAll,
  renderedAt,
}: {
  state: ListState;
  ownAccountId: string;
  /** The operator picks one account at a time; administrators may view "All". */
  canViewAll: boolean;
  /** The server's clock when the page was made: "expires soon" is judged against it on both sides. */
  renderedAt: number;
}) {
  const trpc = useTRPC();
  const t = useTranslations("coupons");
  const f = useFormat();
  const l = useLabels();
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
        aria-label={t("filterForm")}
        className="grid grid-cols-1 gap-3 rounded border border-slate-200 bg-white p-3 sm:flex sm:flex-wrap sm:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          const q = String(new FormData(e.currentTarget).get("q") ?? "").trim();
          go({ q: q || undefined });
        }}
      >
        {viewable.length > 1 && (
          <label className="text-sm">
            {t("account")}
            <select
              className={control}
              value={shown.accountId ?? ownAccountId}
              onChange={(e) =>
                go({ accountId: e.target.value === ownAccountId ? undefined : e.target.value })
              }
            >
              {canViewAll && <option value="all">{t("allAccounts")}</option>}
              {viewable.map((a) => (
                <option key={a.id} value={a.id}>
                  {t(a.id === ownAccountId ? "accountOptionYou" : "accountOption", {
                    name: a.name,
                    id: a.id,
                  })}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="text-sm">
          {t("couponType")}
          <select
            className={control}
            value={shown.type}
            onChange={(e) => go({ type: e.target.value as ListState["type"] })}
          >
            <option value="all">{t("all")}</option>
            <option value="cash">{l.couponType("Cash Coupon")}</option>
            <option value="discount">{l.couponType("Discount Coupon")}</option>
          </select>
        </label>
        <label className="text-sm">
          {t("status")}
          <select
            className={control}
            value={shown.status ?? ""}
            onChange={(e) => go({ status: (e.target.value || undefined) as ListState["status"] })}
          >
            <option value="">{t("allStatuses")}</option>
            {Object.entries(STATUS_FILTERS).map(([slug, label]) => (
              <option key={slug} value={slug}>
                {l.status(label)}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          {t("expiringWithin")}
          <select
            className={control}
            value={shown.expiringWithinDays ?? ""}
            onChange={(e) => go({ expiringWithinDays: e.target.value ? Number(e.target.value) : undefined })}
          >
            <option value="">{t("anyTime")}</option>
            <option value="7">{t("days", { count: 7 })}</option>
            <option value="30">{t("days", { count: 30 })}</option>
            <option value="90">{t("days", { count: 90 })}</option>
          </select>
        </label>
        <label className="text-sm">
          {t("sortBy")}
          <select
            className={control}
            value={`${shown.sort}:${shown.dir}`}
            onChange={(e) => {
              const [sort, dir] = e.target.value.split(":") as [ListState["sort"], ListState["dir"]];
              go({ sort, dir });
            }}
          >
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`sort.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          {t("couponId")}
          <input
            key={state.q ?? ""}
            name="q"
            defaultValue={state.q ?? ""}
            placeholder={t("couponIdPlaceholder")}
            className={`${control} sm:w-44`}
          />
        </label>
        <button
          type="submit"
          className="rounded bg-slate-800 px-3 py-1.5 text-sm font-medium text-white hover:bg-slate-700"
        >
          {t("search")}
        </button>
        {filtered && (
          <Link href={pathname} className="py-1.5 text-sm text-blue-800 underline">
            {t("clearFilters")}
          </Link>
        )}
        <a
          href={exportHref}
          download
          className="rounded border border-slate-300 bg-white px-3 py-1.5 text-center text-sm font-medium hover:bg-slate-100 sm:ml-auto"
        >
          {t("exportList")}
        </a>
      </form>

      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-slate-600">{t("quickFilter")}</span>
        <button
          type="button"
          aria-pressed={expiringOnly}
          className={`rounded-full border px-3 py-1 ${expiringOnly ? "border-amber-500 bg-amber-100 font-medium text-amber-950" : "border-slate-300 bg-white hover:bg-slate-100"}`}
          onClick={() => go({ expiringWithinDays: expiringOnly ? undefined : SOON_DAYS })}
        >
          {t("expiringWithinDays", { count: SOON_DAYS })}
        </button>
        <span role="status" aria-live="polite" className="text-slate-700">
          {pending ? t("loading") : ""}
        </span>
      </div>

      <div
        aria-busy={pending}
        className={`rounded border border-slate-200 bg-white transition-opacity ${pending ? "opacity-60" : ""}`}
      >
        {/* Phones: one card per voucher (R-UX-1). */}
        <ul aria-label={t("listLabel")} className="divide-y divide-slate-200 md:hidden">
          {page.items.map((c) => (
            <li key={c.id} className={`p-3 text-sm ${soon(c) ? "bg-amber-50" : ""}`}>
              <div className="flex items-start justify-between gap-2">
                <div className="min-w-0">
                  <p className="break-all font-mono font-medium">{c.id}</p>
                  <p className="text-xs text-slate-600">
                    {l.couponType(c.couponType)}
                    {c.discountBps !== null && ` · ${t("percentOff", { percent: c.discountBps / 100 })}`}
                  </p>
                </div>
                <StatusBadge status={c.status} />
              </div>
              <dl className="mt-2 grid grid-cols-2 gap-x-3 gap-y-1">
                <dt className="text-slate-600">{t("balance")}</dt>
                <dd className="text-right font-medium tabular-nums">{f.money(c.balanceMinor, c.currency)}</dd>
                <dt className="text-slate-600">{t("nominalValue")}</dt>
                <dd className="text-right tabular-nums">{f.money(c.nominalMinor, c.currency)}</dd>
                {showAccount && (
                  <>
                    <dt className="text-slate-600">{t("account")}</dt>
                    <dd className="text-right">{accountNames.get(c.accountId) ?? c.accountId}</dd>
                  </>
                )}
                <dt className="text-slate-600">{t("commodity")}</dt>
                <dd className="text-right">{l.commodities(c.commodities, names)}</dd>
                <dt className="text-slate-600">{t("scope")}</dt>
                <dd className="text-right">{l.scopes(c.scopes)}</dd>
                <dt className="text-slate-600">{t("orderLimit")}</dt>
                <dd className="text-right">
                  {c.minOrderMinor === 0
                    ? t("none")
                    : t("atLeast", { amount: f.money(c.minOrderMinor, c.currency) })}
                </dd>
              </dl>
              <p className="mt-2 text-xs text-slate-700">
                {t("valid", { period: f.validity(c.effectiveFrom, c.expiresAt) })}
              </p>
              {soon(c) && <SoonNote days={daysLeft(c.expiresAt)} />}
              <Link
                href={`/coupons/${c.id}`}
                className="mt-2 inline-block text-blue-800 underline"
                aria-label={t("viewDetailsOf", { id: c.id })}
              >
                {t("viewDetails")}
              </Link>
            </li>
          ))}
        </ul>

        <div className="hidden overflow-x-auto md:block">
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">
              {t("caption", { sort: t(`sort.${state.sort}:${state.dir}`) })}
            </caption>
            <thead className="bg-slate-100 text-xs uppercase text-slate-700">
              <tr>
                <th scope="col" className="px-3 py-2">
                  {t("colId")}
                </th>
                {showAccount && (
                  <th scope="col" className="px-3 py-2">
                    {t("colAccount")}
                  </th>
                )}
                <th scope="col" className="px-3 py-2 text-right">
                  {t("colNominal")}
                </th>
                <th scope="col" className="px-3 py-2 text-right" aria-sort={sortOf("balance")}>
                  {t("colBalance")}
                  {sortMark("balance")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("colCommodity")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("colScope")}
                </th>
                <th scope="col" className="px-3 py-2 text-right">
                  {t("colMinOrder")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("colStatus")}
                </th>
                <th scope="col" className="px-3 py-2" aria-sort={sortOf("expiry")}>
                  {t("colValidity")}
                  {sortMark("expiry")}
                </th>
                <th scope="col" className="px-3 py-2" aria-sort={sortOf("issued")}>
                  {t("colIssued")}
                  {sortMark("issued")}
                </th>
                <th scope="col" className="px-3 py-2">
                  {t("colActions")}
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
                      {l.couponType(c.couponType)}
                      {c.discountBps !== null && ` · ${t("percentOff", { percent: c.discountBps / 100 })}`}
                    </div>
                  </td>
                  {showAccount && (
                    <td className="px-3 py-2">
                      {accountNames.get(c.accountId) ?? c.accountId}
                      <div className="text-xs text-slate-600">{t("uid", { id: c.accountId })}</div>
                    </td>
                  )}
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {f.money(c.nominalMinor, c.currency)}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {f.money(c.balanceMinor, c.currency)}
                  </td>
                  <td className="px-3 py-2">{l.commodities(c.commodities, names)}</td>
                  <td className="px-3 py-2">{l.scopes(c.scopes)}</td>
                  <td className="whitespace-nowrap px-3 py-2 text-right tabular-nums">
                    {c.minOrderMinor === 0
                      ? t("none")
                      : t("atLeast", { amount: f.money(c.minOrderMinor, c.currency) })}
                  </td>
                  <td className="px-3 py-2">
                    <StatusBadge status={c.status} />
                    {soon(c) && <SoonNote days={daysLeft(c.expiresAt)} />}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums">
                    {f.validity(c.effectiveFrom, c.expiresAt)}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 tabular-nums">{f.dateTime(c.issuedAt)}</td>
                  <td className="px-3 py-2">
                    <Link
                      href={`/coupons/${c.id}`}
                      className="whitespace-nowrap text-blue-800 underline"
                      aria-label={t("viewDetailsOf", { id: c.id })}
                    >
                      {t("viewDetails")}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {page.items.length === 0 && (
          <div className="p-8 text-center text-sm text-slate-700">
            <p className="font-medium">{filtered ? t("noMatch") : t("noCoupons")}</p>
            <p className="mt-1">
              {filtered ? (
                <Link href={pathname} className="text-blue-800 underline">
                  {t("clearTheFilters")}
                </Link>
              ) : (
                t("emptyHint")
              )}
            </p>
          </div>
        )}
      </div>

      <nav aria-label={t("pagination")} className="flex flex-wrap items-center gap-3 text-sm">
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
            {t("previousPage")}
          </button>
        )}
        {state.cursor && (
          <button
            type="button"
            className="rounded border border-slate-300 bg-white px-3 py-1.5"
            onClick={() => go({})}
          >
            {t("firstPage")}
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
            {t("nextPage")}
          </button>
        )}
      </nav>

      {shared.length > 0 && !showAccount && (
        <section aria-labelledby="shared-h" className="rounded border border-slate-200 bg-white">
          <h2 id="shared-h" className="p-4 text-lg font-semibold">
            {t("sharedTitle")}
          </h2>
          <p className="px-4 pb-2 text-sm text-slate-700">{t("sharedIntro")}</p>
          <ul className="divide-y divide-slate-100 text-sm">
            {shared.map((c) => (
              <li key={c.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-4 py-2">
                <span className="font-mono">{c.id}</span>
                <span className="tabular-nums">
                  {t("sharedBalance", { amount: f.money(c.balanceMinor, c.currency) })}
                </span>
                <StatusBadge status={c.status} />
                <span>{f.validity(c.effectiveFrom, c.expiresAt)}</span>
                <Link
                  href={`/coupons/${c.id}`}
                  className="text-blue-800 underline"
                  aria-label={t("viewSharedDetailsOf", { id: c.id })}
                >
                  {t("viewDetails")}
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
  const t = useTranslations("coupons");
  return (
    <span className="mt-1 block text-xs font-medium text-amber-900">
      {days <= 1 ? t("expiresWithinDay") : t("expiresInDays", { count: days })}
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
  const tr = useTranslations("coupons");
  const f = useFormat();
  return (
    <section aria-label={tr("totals")} className="grid grid-cols-1 gap-3 sm:grid-cols-3">
      {rows.map((t) => (
        <div key={t.currency} className="contents">
          <Stat
            label={tr("availableToSpend")}
            value={f.money(t.spendableMinor, t.currency)}
            note={tr("availableNote", {
              count: t.spendableCount,
              shared:
                t.sharedCount > 0
                  ? tr("sharedPart", {
                      count: t.sharedCount,
                      who: showsShared ? "you" : "accounts",
                      amount: f.money(t.sharedMinor, t.currency),
                    })
                  : "none",
            })}
          />
          <Stat
            label={tr("expiring30")}
            value={f.money(t.expiring30Minor, t.currency)}
            note={tr("expiring30Note")}
          />
          <Stat
            label={filtered ? tr("matching") : tr("inList")}
            value={tr("voucherCount", { count: t.listCount })}
            testId="list-count"
            note={tr("listNote")}
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
