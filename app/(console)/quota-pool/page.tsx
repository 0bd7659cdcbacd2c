import Link from "next/link";
import { AuditLog } from "@/components/quota-pool/audit-log";
import { GenerateForm, MoveInForm, PoolSummary, PoolVouchers } from "@/components/quota-pool/pool-view";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { appDatabase } from "@/db";
import { requireUser } from "@/server/auth/current";
import { DomainError } from "@/server/errors";
import { poolAccess } from "@/server/quota-pool/service";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export const metadata = { title: "Coupon Quota Pool" };

const Heading = () => (
  <div className="mb-4">
    <p className="text-sm text-slate-600">Enterprise</p>
    <h1 className="text-2xl font-semibold">Coupon Quota Pool</h1>
  </div>
);

export default async function QuotaPoolPage() {
  const user = await requireUser();
  // Check access here, so the reason reaches the page in production (errors inside streamed
  // queries are redacted by React); the procedures check again on every call.
  try {
    await poolAccess((await appDatabase()).db, user);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return (
      <>
        <Heading />
        <div
          role="alert"
          className="max-w-2xl rounded border border-red-200 bg-red-50 p-4 text-sm text-red-800"
        >
          <p>{e.message}</p>
          <p className="mt-2">
            <Link className="underline" href="/enterprise">
              Go to the Enterprise Account Center
            </Link>
          </p>
        </div>
      </>
    );
  }
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
      <Heading />
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
