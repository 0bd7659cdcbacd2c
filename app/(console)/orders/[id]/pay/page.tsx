import Link from "next/link";
import { notFound } from "next/navigation";
import { PaymentView } from "@/components/orders/payment-view";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { requireUser } from "@/server/auth/current";
import { orderId } from "@/server/orders/schema";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const parsed = orderId.safeParse((await params).id);
  return { title: parsed.success ? `Pay order ${parsed.data.toUpperCase()}` : "Pay order" };
}

export default async function PayPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const parsed = orderId.safeParse((await params).id);
  if (!parsed.success) notFound();
  const id = parsed.data.toUpperCase();
  try {
    await getQueryClient().fetchQuery(trpc.orders.paymentOptions.queryOptions({ id }));
  } catch {
    notFound();
  }
  void getQueryClient().prefetchQuery(trpc.catalog.products.queryOptions());
  return (
    <HydrateClient>
      <div className="mb-4">
        <p className="text-sm text-slate-600">
          <Link href="/orders" className="underline">
            Orders
          </Link>{" "}
          › {id}
        </p>
        <h1 className="text-2xl font-semibold">Payment</h1>
      </div>
      <QueryBoundary fallback={<Loading label="Matching your vouchers…" />}>
        <PaymentView id={id} timeZone={user.timeZone} />
      </QueryBoundary>
    </HydrateClient>
  );
}
