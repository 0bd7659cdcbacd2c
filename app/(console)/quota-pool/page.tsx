import { AuditLog } from "@/components/quota-pool/audit-log";
import { GenerateForm, MoveInForm, PoolSummary, PoolVouchers } from "@/components/quota-pool/pool-view";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { requireUser } from "@/server/auth/current";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export const metadata = { title: "Coupon Quota Pool" };

export default async function QuotaPoolPage() {
  const user = await requireUser();
  const qc = getQueryClient();
  void qc.prefetchQuery(trpc.quotaPool.overview.queryOptions());
  void qc.prefetchQuery(trpc.quotaPool.movable.queryOptions());
  void qc.prefetchQuery(trpc.catalog.products.queryOptions());
  void qc.prefetchInfiniteQuery(
    trpc.quotaPool.vouchers.infiniteQueryOptions({ limit: 20 }, { getNextPageParam: (p) => p.nextCursor }),
  );
  void qc.prefetchInfiniteQuery(
    trpc.enterprise.audit.infiniteQueryOptions({ limit: 25 }, { getNextPageParam: (p) => p.nextCursor }),
  );
  return (
    <HydrateClient>
      <div className="mb-4">
        <p className="text-sm text-slate-600">Enterprise</p>
        <h1 className="text-2xl font-semibold">Coupon Quota Pool</h1>
      </div>
      <QueryBoundary fallback={<Loading label="Loading the pool…" />}>
        <div className="space-y-6">
          <PoolSummary />
          <MoveInForm />
          <GenerateForm />
          <PoolVouchers timeZone={user.timeZone} />
          <AuditLog timeZone={user.timeZone} />
        </div>
      </QueryBoundary>
    </HydrateClient>
  );
}
