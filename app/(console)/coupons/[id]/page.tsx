import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { CouponDetails } from "@/components/coupons/coupon-details";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { requireUser } from "@/server/auth/current";
import { couponId } from "@/server/vouchers/schema";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const parsed = couponId.safeParse((await params).id);
  const t = await getTranslations("coupons");
  return {
    title: parsed.success ? t("detailsPageTitle", { id: parsed.data.toUpperCase() }) : t("detailsTitle"),
  };
}

export default async function CouponDetailsPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const t = await getTranslations("coupons");
  const parsed = couponId.safeParse((await params).id);
  if (!parsed.success) notFound();
  const id = parsed.data.toUpperCase();
  const qc = getQueryClient();
  // Fetch the summary first: a voucher the user may not see is a 404 page, with no hint it exists.
  try {
    await qc.fetchQuery(trpc.coupons.get.queryOptions({ id }));
  } catch {
    notFound();
  }
  void qc.prefetchQuery(trpc.coupons.history.queryOptions({ id, limit: 50 }));
  void qc.prefetchQuery(trpc.coupons.series.queryOptions({ id }));
  void qc.prefetchQuery(trpc.catalog.products.queryOptions());
  return (
    <HydrateClient>
      <div className="mb-4">
        <p className="text-sm text-slate-600 print:hidden">
          <Link href="/coupons" className="underline">
            {t("tabCoupons")}
          </Link>{" "}
          › {id}
        </p>
        <h1 className="text-2xl font-semibold">{t("detailsTitle")}</h1>
        <p className="hidden text-sm print:block">{t("printVoucher", { id })}</p>
      </div>
      <QueryBoundary fallback={<Loading label={t("loadingVoucher")} />}>
        <CouponDetails id={id} ownAccountId={user.accountId} />
      </QueryBoundary>
    </HydrateClient>
  );
}
