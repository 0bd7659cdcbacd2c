import Link from "next/link";

export default function CouponNotFound() {
  return (
    <div className="rounded border border-slate-200 bg-white p-8">
      <h1 className="text-xl font-semibold">Voucher not found</h1>
      <p className="mt-2 text-sm text-slate-700">There is no voucher with this ID that you can see.</p>
      <Link href="/coupons" className="mt-4 inline-block text-blue-800 underline">
        Back to Coupons
      </Link>
    </div>
  );
}
