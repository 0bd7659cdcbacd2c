import { BillsView } from "@/components/bills/bills-view";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { requireUser } from "@/server/auth/current";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export const metadata = { title: "Bills" };

/** `?account=` holds the account filter: a UID or "all"; absent, the caller's own account. */
function accountParam(raw: string | string[] | undefined): string | undefined {
  const v = Array.isArray(raw) ? raw[0] : raw;
  return v && /^[A-Za-z0-9-]{1,64}$/.test(v) ? v : undefined;
}

export default async function BillsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  const accountId = accountParam((await searchParams).account);
  const qc = getQueryClient();
  void qc.prefetchQuery(trpc.bills.accounts.queryOptions());
  void qc.prefetchQuery(trpc.bills.list.queryOptions({ accountId, limit: 24 }));
  return (
    <HydrateClient>
      <div className="mb-4">
        <p className="text-sm text-slate-600">Billing › Bills</p>
        <h1 className="text-2xl font-semibold">Bills</h1>
      </div>
      <QueryBoundary fallback={<Loading label="Loading your bills…" />}>
        <BillsView
          key={accountId ?? ""}
          accountId={accountId}
          ownAccountId={user.accountId}
          timeZone={user.timeZone}
        />
      </QueryBoundary>
    </HydrateClient>
  );
}
