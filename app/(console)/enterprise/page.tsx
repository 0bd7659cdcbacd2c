import { getTranslations } from "next-intl/server";
import { EnterpriseView } from "@/components/enterprise/enterprise-view";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { appDatabase } from "@/db";
import { requireUser } from "@/server/auth/current";
import { enterpriseOfMaster } from "@/server/enterprise/access";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export async function generateMetadata() {
  return { title: (await getTranslations("enterprise"))("title") };
}

export default async function EnterprisePage() {
  const user = await requireUser();
  const t = await getTranslations("enterprise");
  const qc = getQueryClient();
  void qc.prefetchQuery(trpc.enterprise.status.queryOptions());
  if (await enterpriseOfMaster((await appDatabase()).db, user.accountId)) {
    void qc.prefetchQuery(trpc.enterprise.get.queryOptions());
  }
  return (
    <HydrateClient>
      <div className="mb-4">
        <p className="text-sm text-slate-600">{t("breadcrumb")}</p>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
      </div>
      <QueryBoundary fallback={<Loading label={t("loading")} />}>
        <EnterpriseView timeZone={user.timeZone} />
      </QueryBoundary>
    </HydrateClient>
  );
}
