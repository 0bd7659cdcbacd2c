import { InvoicesView } from "@/components/bills/invoices-view";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { requireUser } from "@/server/auth/current";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export const metadata = { title: "Invoices" };

const one = (raw: string | string[] | undefined) => (Array.isArray(raw) ? raw[0] : raw);

/** `?account=` (a UID or "all") and `?month=` (YYYY-MM) hold the view; absent: own account, latest month. */
export default async function InvoicesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  const params = await searchParams;
  const account = one(params.account);
  const month = one(params.month);
  const accountId = account && /^[A-Za-z0-9-]{1,64}$/.test(account) ? account : undefined;
  const chosenMonth = month && /^\d{4}-(0[1-9]|1[0-2])$/.test(month) ? month : undefined;
  const qc = getQueryClient();
  void qc.prefetchQuery(trpc.invoices.accounts.queryOptions());
  void qc.prefetchQuery(trpc.invoices.list.queryOptions({ accountId, month: chosenMonth, limit: 200 }));
  return (
    <HydrateClient>
      <div className="mb-4">
        <p className="text-sm text-slate-600">Billing › Invoices</p>
        <h1 className="text-2xl font-semibold">Invoices</h1>
      </div>
      <QueryBoundary fallback={<Loading label="Loading invoiceable amounts…" />}>
        <InvoicesView accountId={accountId} month={chosenMonth} ownAccountId={user.accountId} />
      </QueryBoundary>
    </HydrateClient>
  );
}
