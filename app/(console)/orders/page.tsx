import { getTranslations } from "next-intl/server";
import { NewOrderForm, OrdersTable } from "@/components/orders/orders-view";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { requireUser } from "@/server/auth/current";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export async function generateMetadata() {
  return { title: (await getTranslations("orders"))("title") };
}

export default async function OrdersPage() {
  await requireUser();
  const t = await getTranslations("orders");
  const qc = getQueryClient();
  void qc.prefetchQuery(trpc.orders.list.queryOptions({ limit: 20 }));
  void qc.prefetchQuery(trpc.catalog.products.queryOptions());
  return (
    <HydrateClient>
      <div className="mb-4">
        <p className="text-sm text-slate-600">{t("title")}</p>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
      </div>
      <QueryBoundary fallback={<Loading label={t("loading")} />}>
        <div className="space-y-6">
          <NewOrderForm />
          <OrdersTable />
        </div>
      </QueryBoundary>
    </HydrateClient>
  );
}
