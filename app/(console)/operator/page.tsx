import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { CloseCycleForm, RecordUsageForm } from "@/components/bills/operator-forms";
import { IssueForm } from "@/components/coupons/issue-form";
import { QueryBoundary } from "@/components/ui/query-boundary";
import { requireUser } from "@/server/auth/current";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export async function generateMetadata() {
  return { title: (await getTranslations("operator"))("issueTitle") };
}

export default async function OperatorPage() {
  const user = await requireUser();
  if (user.role !== "operator") notFound();
  const t = await getTranslations("operator");
  const qc = getQueryClient();
  void qc.prefetchQuery(trpc.operator.accounts.queryOptions());
  void qc.prefetchQuery(trpc.catalog.products.queryOptions());
  return (
    <HydrateClient>
      <div className="mb-4">
        <p className="text-sm text-slate-600">{t("pageBreadcrumb")}</p>
        <h1 className="text-2xl font-semibold">{t("issueTitle")}</h1>
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
