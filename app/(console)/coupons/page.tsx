import { TRPCError } from "@trpc/server";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { CouponsView } from "@/components/coupons/coupons-view";
import { ForecastPanel } from "@/components/coupons/forecast-panel";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { parseListParamsLenient, searchParamsFromRecord, toSearch } from "@/lib/coupon-list-params";
import { requireUser } from "@/server/auth/current";
import { decodeCursor } from "@/server/vouchers/cursor";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export async function generateMetadata() {
  return { title: (await getTranslations("coupons"))("tabCoupons") };
}

const Heading = async () => {
  const t = await getTranslations("coupons");
  return (
    <div className="mb-4">
      <p className="text-sm text-slate-600">{t("breadcrumb")}</p>
      <h1 className="text-2xl font-semibold">{t("tabCoupons")}</h1>
    </div>
  );
};

export default async function CouponsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  const t = await getTranslations("coupons");
  const { value: state, stale } = parseListParamsLenient(searchParamsFromRecord(await searchParams));
  if (state.cursor) {
    try {
      decodeCursor(state.cursor, `${state.sort}:${state.dir}`);
    } catch {
      stale.push("cursor");
    }
  }
  const qc = getQueryClient();
  const { limit: _l, cursor: _c, sort: _s, dir: _d, ...filters } = state;
  if (stale.length === 0) {
    // An account the user may not see (or a page that no longer exists) is bad URL state too: read
    // the page here, so the answer is a sentence rather than an error in the browser.
    try {
      await Promise.all([
        qc.fetchQuery(trpc.coupons.list.queryOptions(state)),
        qc.fetchQuery(trpc.coupons.totals.queryOptions(filters)),
      ]);
    } catch (e) {
      if (!(e instanceof TRPCError) || !["NOT_FOUND", "BAD_REQUEST"].includes(e.code)) throw e;
      stale.push(state.accountId ? "account" : "page");
    }
  }
  if (stale.length > 0) {
    const keep = stale.includes("account") ? { ...state, accountId: undefined } : state;
    const first = `/coupons${toSearch({ ...keep, cursor: undefined })}`;
    return (
      <>
        <Heading />
        <div role="alert" className="max-w-2xl rounded border border-amber-300 bg-amber-50 p-4 text-sm">
          <p className="font-medium">{t("staleTitle")}</p>
          <p className="mt-1">
            {stale.includes("account") ? t("staleAccount") : t("staleOther")} {t("staleKept")}
          </p>
          <Link href={first} className="mt-3 inline-block font-medium text-blue-800 underline">
            {t("showFirstPage")}
          </Link>
        </div>
      </>
    );
  }
  void qc.prefetchQuery(trpc.catalog.products.queryOptions());
  void qc.prefetchQuery(trpc.coupons.accounts.queryOptions());
  void qc.prefetchQuery(trpc.coupons.shared.queryOptions());
  return (
    <HydrateClient>
      <Heading />
      <ForecastPanel accountId={state.accountId} />
      <QueryBoundary fallback={<Loading label={t("loadingCoupons")} />}>
        <CouponsView
          state={state}
          ownAccountId={user.accountId}
          canViewAll={user.role !== "operator"}
          renderedAt={Date.now()}
        />
      </QueryBoundary>
    </HydrateClient>
  );
}
