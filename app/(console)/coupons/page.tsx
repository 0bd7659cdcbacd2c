import Link from "next/link";
import { CouponsView } from "@/components/coupons/coupons-view";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { parseListParams, searchParamsFromRecord } from "@/lib/coupon-list-params";
import { requireUser } from "@/server/auth/current";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export const metadata = { title: "Coupons" };

export default async function CouponsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  const parsed = parseListParams(searchParamsFromRecord(await searchParams));
  if (!parsed.ok) {
    return (
      <div role="alert" className="rounded border border-amber-300 bg-amber-50 p-4 text-sm">
        <p className="font-medium">This link has a filter we do not understand.</p>
        <p className="mt-1">{parsed.error}</p>
        <Link href="/coupons" className="mt-2 inline-block underline">
          Show all coupons
        </Link>
      </div>
    );
  }
  const { limit: _l, cursor: _c, sort: _s, dir: _d, ...filters } = parsed.value;
  const qc = getQueryClient();
  void qc.prefetchQuery(trpc.coupons.list.queryOptions(parsed.value));
  void qc.prefetchQuery(trpc.coupons.totals.queryOptions(filters));
  void qc.prefetchQuery(trpc.catalog.products.queryOptions());
  void qc.prefetchQuery(trpc.coupons.accounts.queryOptions());
  void qc.prefetchQuery(trpc.coupons.shared.queryOptions());
  return (
    <HydrateClient>
      <div className="mb-4">
        <p className="text-sm text-slate-600">Account › Cards and Coupons</p>
        <h1 className="text-2xl font-semibold">Coupons</h1>
      </div>
      <QueryBoundary fallback={<Loading label="Loading your coupons…" />}>
        <CouponsView
          state={parsed.value}
          timeZone={user.timeZone}
          ownAccountId={user.accountId}
          canViewAll={user.role !== "operator"}
        />
      </QueryBoundary>
    </HydrateClient>
  );
}
