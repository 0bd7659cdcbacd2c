import { NewOrderForm, OrdersTable } from "@/components/orders/orders-view";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { requireUser } from "@/server/auth/current";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export const metadata = { title: "Orders" };

export default async function OrdersPage() {
  const user = await requireUser();
  const qc = getQueryClient();
  void qc.prefetchQuery(trpc.orders.list.queryOptions({ limit: 20 }));
  void qc.prefetchQuery(trpc.catalog.products.queryOptions());
  return (
    <HydrateClient>
      <div className="mb-4">
        <p className="text-sm text-slate-600">Orders</p>
        <h1 className="text-2xl font-semibold">Orders</h1>
      </div>
      <QueryBoundary fallback={<Loading label="Loading orders…" />}>
        <div className="space-y-6">
          <NewOrderForm />
          <OrdersTable timeZone={user.timeZone} />
        </div>
      </QueryBoundary>
    </HydrateClient>
  );
}
