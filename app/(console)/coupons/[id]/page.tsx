import Link from "next/link";
import { notFound } from "next/navigation";
import { CouponDetails } from "@/components/coupons/coupon-details";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { requireUser } from "@/server/auth/current";
import { couponId } from "@/server/vouchers/schema";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const parsed = couponId.safeParse((await params).id);
  return {
    title: parsed.success
      ? `${parsed.data.toUpperCase()} · Coupon Deduction Details`
      : "Coupon Deduction Details",
  };
}

export default async function CouponDetailsPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
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
            Coupons
          </Link>{" "}
          › {id}
        </p>
        <h1 className="text-2xl font-semibold">Coupon Deduction Details</h1>
        <p className="hidden text-sm print:block">Voucher {id}</p>
      </div>
      <QueryBoundary fallback={<Loading label="Loading voucher…" />}>
        <CouponDetails id={id} timeZone={user.timeZone} ownAccountId={user.accountId} />
      </QueryBoundary>
    </HydrateClient>
  );
}
