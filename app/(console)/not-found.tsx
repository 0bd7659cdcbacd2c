import Link from "next/link";

export const metadata = { title: "Page not found" };

export default function ConsoleNotFound() {
  return (
    <div className="max-w-2xl rounded border border-slate-200 bg-white p-8">
      <h1 className="text-xl font-semibold">Page not found</h1>
      <p className="mt-2 text-sm text-slate-700">
        There is no page at this address. It may have moved, or the link may be mistyped. The menu has every
        page you can use.
      </p>
      <p className="mt-4 flex flex-wrap gap-4 text-sm">
        <Link href="/coupons" className="text-blue-800 underline">
          Go to Cards and Coupons
        </Link>
        <Link href="/orders" className="text-blue-800 underline">
          Go to Orders
        </Link>
      </p>
    </div>
  );
}
