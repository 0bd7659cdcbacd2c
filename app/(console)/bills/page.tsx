import { getTranslations } from "next-intl/server";
import { BillsView } from "@/components/bills/bills-view";
import { UnknownAccount } from "@/components/bills/unknown-account";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { requireUser } from "@/server/auth/current";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export async function generateMetadata() {
  return { title: (await getTranslations("bills"))("title") };
}

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
  const t = await getTranslations("bills");
  const accountId = accountParam((await searchParams).account);
  const header = (
    <div className="mb-4">
      <p className="text-sm text-slate-600">
        {t("breadcrumb")} › {t("title")}
      </p>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
    </div>
  );
  const qc = getQueryClient();
  // An account the caller may not see (R-ENT-3) is refused here, in words, before any list query
  // (the operator may read any account: the list checks that it exists).
  const viewable = await qc.fetchQuery(trpc.bills.accounts.queryOptions());
  const mustBeListed = user.role !== "operator" && accountId !== undefined && accountId !== "all";
  if (mustBeListed && !viewable.some((a) => a.id === accountId)) {
    return (
      <>
        {header}
        <UnknownAccount href="/bills" what="bills" />
      </>
    );
  }
  void qc.prefetchQuery(trpc.bills.list.queryOptions({ accountId, limit: 24 }));
  return (
    <HydrateClient>
      {header}
      <QueryBoundary fallback={<Loading label={t("loading")} />}>
        <BillsView key={accountId ?? ""} accountId={accountId} ownAccountId={user.accountId} />
      </QueryBoundary>
    </HydrateClient>
  );
}
