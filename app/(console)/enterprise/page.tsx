import { EnterpriseView } from "@/components/enterprise/enterprise-view";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { appDatabase } from "@/db";
import { requireUser } from "@/server/auth/current";
import { enterpriseOfMaster } from "@/server/enterprise/access";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export const metadata = { title: "Enterprise Account Center" };

export default async function EnterprisePage() {
  const user = await requireUser();
  const qc = getQueryClient();
  void qc.prefetchQuery(trpc.enterprise.status.queryOptions());
  if (await enterpriseOfMaster((await appDatabase()).db, user.accountId)) {
    void qc.prefetchQuery(trpc.enterprise.get.queryOptions());
  }
  return (
    <HydrateClient>
      <div className="mb-4">
        <p className="text-sm text-slate-600">Enterprise</p>
        <h1 className="text-2xl font-semibold">Enterprise Account Center</h1>
      </div>
      <QueryBoundary fallback={<Loading label="Loading the Enterprise Account Center…" />}>
        <EnterpriseView timeZone={user.timeZone} />
      </QueryBoundary>
    </HydrateClient>
  );
}
