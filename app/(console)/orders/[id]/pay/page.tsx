import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PaymentView } from "@/components/orders/payment-view";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { requireUser } from "@/server/auth/current";
import { orderId } from "@/server/orders/schema";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const parsed = orderId.safeParse((await params).id);
  const t = await getTranslations("payment");
  return { title: parsed.success ? t("pageTitle", { id: parsed.data.toUpperCase() }) : t("pageTitlePlain") };
}

export default async function PayPage({ params }: { params: Promise<{ id: string }> }) {
  await requireUser();
  const t = await getTranslations("payment");
  const to = await getTranslations("orders");
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
            {to("title")}
          </Link>{" "}
          › {id}
        </p>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
      </div>
      <QueryBoundary fallback={<Loading label={t("matching")} />}>
        <PaymentView id={id} />
      </QueryBoundary>
    </HydrateClient>
  );
}
