import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { AuditLog } from "@/components/quota-pool/audit-log";
import { isLocale } from "@/i18n/config";
import { GenerateForm, MoveInForm, PoolSummary, PoolVouchers } from "@/components/quota-pool/pool-view";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { appDatabase } from "@/db";
import { requireUser } from "@/server/auth/current";
import { wordError } from "@/server/error-words";
import { DomainError } from "@/server/errors";
import { poolAccess } from "@/server/quota-pool/service";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export async function generateMetadata() {
  return { title: (await getTranslations("pool"))("title") };
}

const Heading = async () => {
  const t = await getTranslations("pool");
  return (
    <div className="mb-4">
      <p className="text-sm text-slate-600">{t("breadcrumb")}</p>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
    </div>
  );
};

export default async function QuotaPoolPage() {
  const user = await requireUser();
  const t = await getTranslations("pool");
  const locale = await getLocale();
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
          <p>{wordError(isLocale(locale) ? locale : "en", e.reason, e.params)}</p>
          <p className="mt-2">
            <Link className="underline" href="/enterprise">
              {t("goToEnterprise")}
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
      <QueryBoundary fallback={<Loading label={t("loading")} />}>
        <div className="space-y-6">
          <PoolSummary />
          <MoveInForm />
          <GenerateForm />
          <PoolVouchers />
          <AuditLog />
        </div>
      </QueryBoundary>
    </HydrateClient>
  );
}
