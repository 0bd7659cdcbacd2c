import Link from "next/link";

export default function BillNotFound() {
  return (
    <div className="rounded border border-slate-200 bg-white p-8">
      <h1 className="text-xl font-semibold">Bill not found</h1>
      <p className="mt-2 text-sm text-slate-700">There is no bill with this ID that you can see.</p>
      <Link href="/bills" className="mt-4 inline-block text-blue-800 underline">
        Back to Bills
      </Link>
    </div>
  );
}
