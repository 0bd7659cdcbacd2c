import { getTranslations } from "next-intl/server";
import { SettingsForm } from "@/components/settings/settings-form";
import { Loading, QueryBoundary } from "@/components/ui/query-boundary";
import { offsetLabel } from "@/lib/format";
import { requireUser } from "@/server/auth/current";
import { getQueryClient, HydrateClient, trpc } from "@/trpc/server";

export async function generateMetadata() {
  return { title: (await getTranslations("settings"))("title") };
}

/** The user's language and time zone (R-I18N-1, R-TZ-1). */
export default async function SettingsPage() {
  await requireUser();
  const t = await getTranslations("settings");
  void getQueryClient().prefetchQuery(trpc.me.preferences.queryOptions());
  return (
    <HydrateClient>
      <div className="mb-4">
        <p className="text-sm text-slate-600">{t("breadcrumb")}</p>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
      </div>
      <QueryBoundary fallback={<Loading />}>
        <SettingsForm zones={zoneList()} />
      </QueryBoundary>
    </HydrateClient>
  );
}

/**
 * Every IANA zone the server knows, with UTC first, each with its offset now (decision 015). The
 * offsets are the server's: the browser's time-zone data can be older or newer (Chromium and Node
 * disagreed on six zones in 2026), and a label computed in both would differ at hydration.
 */
function zoneList(): { id: string; offset: string }[] {
  const all = Intl.supportedValuesOf("timeZone");
  return ["UTC", ...all.filter((z) => z !== "UTC")].map((id) => ({ id, offset: offsetLabel(id) }));
}
