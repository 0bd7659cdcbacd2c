import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { LanguageSwitch } from "@/components/shell/language-switch";
import { currentUser } from "@/server/auth/current";

export async function generateMetadata() {
  return { title: (await getTranslations("signIn"))("title") };
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  if (await currentUser()) redirect("/coupons");
  const t = await getTranslations("signIn");
  const tc = await getTranslations("common");
  const sp = await searchParams;
  const failed = sp.error === "invalid";
  const wait = sp.error === "throttled" ? Math.min(Math.max(Number(sp.wait) || 1, 1), 60) : null;
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
        <p className="text-sm font-semibold text-brand-700">{tc("appName")}</p>
        <h1 className="mt-1 text-2xl font-semibold">{t("title")}</h1>
        {failed && (
          <p
            role="alert"
            className="mt-4 rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
          >
            {t("wrong")}
          </p>
        )}
        {wait !== null && (
          <p
            role="alert"
            className="mt-4 rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
          >
            {t("throttled", { minutes: wait })}
          </p>
        )}
        <form method="post" action="/api/auth/sign-in" className="mt-6 space-y-4">
          <input type="hidden" name="next" value={sp.next ?? "/coupons"} />
          <div>
            <label htmlFor="email" className="block text-sm font-medium">
              {t("email")}
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
              {t("password")}
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
            {t("submit")}
          </button>
        </form>
        <p className="mt-6 text-xs text-slate-600">
          {t("demo")} <code>demo-password</code>.
        </p>
        {/* After the form, so that Tab goes to the email field first. */}
        <div className="mt-4 flex justify-end">
          <LanguageSwitch />
        </div>
      </div>
    </main>
  );
}
