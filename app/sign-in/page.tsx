import { redirect } from "next/navigation";
import { currentUser } from "@/server/auth/current";
import { tooManyAttempts } from "@/server/auth/throttle";

export const metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  if (await currentUser()) redirect("/coupons");
  const sp = await searchParams;
  const failed = sp.error === "invalid";
  const wait = sp.error === "throttled" ? Math.min(Math.max(Number(sp.wait) || 1, 1), 60) : null;
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
        <p className="text-sm font-semibold text-brand-700">Expenses and Costs</p>
        <h1 className="mt-1 text-2xl font-semibold">Sign in</h1>
        {failed && (
          <p
            role="alert"
            className="mt-4 rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
          >
            Wrong email or password. Check both and try again.
          </p>
        )}
        {wait !== null && (
          <p
            role="alert"
            className="mt-4 rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
          >
            {tooManyAttempts(wait)}
          </p>
        )}
        <form method="post" action="/api/auth/sign-in" className="mt-6 space-y-4">
          <input type="hidden" name="next" value={sp.next ?? "/coupons"} />
          <div>
            <label htmlFor="email" className="block text-sm font-medium">
              Email
            </label>
            <input
              id="email"
              name="email"
              type="email"
              required
              autoComplete="username"
              defaultValue={sp.email ?? ""}
              className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
            />
          </div>
          <div>
            <label htmlFor="password" className="block text-sm font-medium">
              Password
            </label>
            <input
              id="password"
              name="password"
              type="password"
              required
              autoComplete="current-password"
              className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
            />
          </div>
          <button
            type="submit"
            className="w-full rounded bg-brand-700 px-4 py-2 font-medium text-white hover:bg-brand-600"
          >
            Sign in
          </button>
        </form>
        <p className="mt-6 text-xs text-slate-600">
          Demo: alice@example.com, admin@acme.example, operator@example.com — password{" "}
          <code>demo-password</code>.
        </p>
      </div>
    </main>
  );
}
