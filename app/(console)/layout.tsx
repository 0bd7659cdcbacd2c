import Link from "next/link";
import { connection } from "next/server";
import { appDatabase } from "@/db";
import { requireUser } from "@/server/auth/current";
import { enterpriseNav } from "@/server/enterprise/queries";
import { TRPCReactProvider } from "@/trpc/client";
import { NavLink } from "@/components/ui/nav-link";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  await connection();
  const user = await requireUser();
  // Enterprise entries only for those they work for; read per request (permissions are live).
  const nav = await enterpriseNav((await appDatabase()).db, user);
  return (
    <TRPCReactProvider>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:bg-white focus:p-2"
      >
        Skip to content
      </a>
      <header className="flex h-14 items-center justify-between border-b border-slate-200 bg-white px-4">
        <Link href="/coupons" className="font-semibold text-brand-700">
          Expenses and Costs
        </Link>
        <div className="flex items-center gap-4 text-sm">
          <span>
            <span className="font-medium">{user.email}</span>
            <span className="text-slate-600">
              {" "}
              · {user.accountName} · UID {user.accountId}
            </span>
          </span>
          <form method="post" action="/api/auth/sign-out">
            <button type="submit" className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100">
              Sign out
            </button>
          </form>
        </div>
      </header>
      <div className="flex">
        <nav
          aria-label="Console"
          className="min-h-[calc(100vh-3.5rem)] w-56 shrink-0 border-r border-slate-200 bg-white p-3 text-sm"
        >
          <p className="px-2 pb-1 pt-2 text-xs font-semibold uppercase tracking-wide text-slate-600">
            Account
          </p>
          <ul>
            <li>
              <NavLink href="/coupons">Cards and Coupons</NavLink>
            </li>
          </ul>
          <p className="px-2 pb-1 pt-4 text-xs font-semibold uppercase tracking-wide text-slate-600">
            Billing
          </p>
          <ul>
            <li>
              <NavLink href="/orders">Orders</NavLink>
            </li>
            <li>
              <NavLink href="/bills">Bills</NavLink>
            </li>
            <li>
              <NavLink href="/invoices">Invoices</NavLink>
            </li>
          </ul>
          {nav.enterprise && (
            <>
              <p className="px-2 pb-1 pt-4 text-xs font-semibold uppercase tracking-wide text-slate-600">
                Enterprise
              </p>
              <ul>
                <li>
                  <NavLink href="/enterprise">Enterprise</NavLink>
                </li>
                {nav.quotaPool && (
                  <li>
                    <NavLink href="/quota-pool">Quota Pool</NavLink>
                  </li>
                )}
              </ul>
            </>
          )}
          {user.role === "operator" && (
            <>
              <p className="px-2 pb-1 pt-4 text-xs font-semibold uppercase tracking-wide text-slate-600">
                Platform
              </p>
              <ul>
                <li>
                  <NavLink href="/operator">Issue vouchers</NavLink>
                </li>
              </ul>
            </>
          )}
        </nav>
        <main id="main" className="min-w-0 flex-1 p-6">
          {children}
        </main>
      </div>
    </TRPCReactProvider>
  );
}
