import { notFound } from "next/navigation";
import { CloseCycleForm, RecordUsageForm } from "@/components/bills/operator-forms";
import { IssueForm } from "@/components/coupons/issue-form";
import { QueryBoundary } from "@/components/ui/query-boundary";
import { requireUser } from "@/server/auth/current";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export const metadata = { title: "Issue vouchers" };

export default async function OperatorPage() {
  const user = await requireUser();
  if (user.role !== "operator") notFound();
  const qc = getQueryClient();
  void qc.prefetchQuery(trpc.operator.accounts.queryOptions());
  void qc.prefetchQuery(trpc.catalog.products.queryOptions());
  return (
    <HydrateClient>
      <div className="mb-4">
        <p className="text-sm text-slate-600">Platform operator</p>
        <h1 className="text-2xl font-semibold">Issue vouchers</h1>
      </div>
      <QueryBoundary>
        <IssueForm />
      </QueryBoundary>
      <div className="mt-8 space-y-6">
        <QueryBoundary>
          <RecordUsageForm />
        </QueryBoundary>
        <CloseCycleForm />
      </div>
    </HydrateClient>
  );
}
