import Link from "next/link";
import { connection } from "next/server";

/**
 * The 404 page, rendered per request (not prerendered) so that it carries the request's CSP nonce
 * like every other page (R-SEC-5): a static page's scripts would have no nonce and be blocked.
 */
export default async function NotFound() {
  await connection();
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="max-w-sm text-center">
        <h1 className="text-2xl font-semibold">Page not found</h1>
        <p className="mt-2 text-slate-700">This address does not lead to a page of the console.</p>
        <Link href="/coupons" className="mt-4 inline-block text-brand-700 underline">
          Go to Cards and Coupons
        </Link>
      </div>
    </main>
  );
}
