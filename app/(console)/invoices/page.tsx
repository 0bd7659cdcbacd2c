import { getTranslations } from "next-intl/server";
import { InvoicesView } from "@/components/bills/invoices-view";
import { UnknownAccount } from "@/components/bills/unknown-account";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { requireUser } from "@/server/auth/current";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export async function generateMetadata() {
  return { title: (await getTranslations("invoices"))("title") };
}

const one = (raw: string | string[] | undefined) => (Array.isArray(raw) ? raw[0] : raw);

/** `?account=` (a UID or "all") and `?month=` (YYYY-MM) hold the view; absent: own account, latest month. */
export default async function InvoicesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  const t = await getTranslations("invoices");
  const params = await searchParams;
  const account = one(params.account);
  const month = one(params.month);
  const accountId = account && /^[A-Za-z0-9-]{1,64}$/.test(account) ? account : undefined;
  const chosenMonth = month && /^\d{4}-(0[1-9]|1[0-2])$/.test(month) ? month : undefined;
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
  const viewable = await qc.fetchQuery(trpc.invoices.accounts.queryOptions());
  const mustBeListed = user.role !== "operator" && accountId !== undefined && accountId !== "all";
  if (mustBeListed && !viewable.some((a) => a.id === accountId)) {
    return (
      <>
        {header}
        <UnknownAccount href="/invoices" what="invoices" />
      </>
    );
  }
  void qc.prefetchQuery(trpc.catalog.products.queryOptions());
  void qc.prefetchQuery(trpc.invoices.list.queryOptions({ accountId, month: chosenMonth, limit: 200 }));
  return (
    <HydrateClient>
      {header}
      <QueryBoundary fallback={<Loading label={t("loading")} />}>
        <InvoicesView accountId={accountId} month={chosenMonth} ownAccountId={user.accountId} />
      </QueryBoundary>
    </HydrateClient>
  );
}
