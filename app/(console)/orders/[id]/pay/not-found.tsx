import Link from "next/link";

export default function OrderNotFound() {
  return (
    <div className="rounded border border-slate-200 bg-white p-8">
      <h1 className="text-xl font-semibold">Order not found</h1>
      <p className="mt-2 text-sm text-slate-700">There is no order with this ID in your account.</p>
      <Link href="/orders" className="mt-4 inline-block text-blue-800 underline">
        Back to Orders
      </Link>
    </div>
  );
}
