"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { FieldError, fieldProps } from "@/components/ui/errors";
import { Done, ErrorAlert } from "@/components/enterprise/shared";
import { LOCALE_COOKIE, LOCALE_NAMES, LOCALES, type Locale } from "@/i18n/config";
import { useDescribeError } from "@/lib/errors";
import { formatDateTime, offsetLabel } from "@/lib/format";
import { useTRPC } from "@/trpc/client";

const ACCOUNT = "";

/** Language and time zone of the signed-in user; the page is rendered again in them once saved. */
export function SettingsForm({ zones }: { zones: string[] }) {
  const t = useTranslations("settings");
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const describe = useDescribeError();
  const { data: prefs } = useSuspenseQuery(trpc.me.preferences.queryOptions());
  const shown = useLocale();
  const [locale, setLocale] = useState<Locale>(prefs.locale ?? (shown === "zh" ? "zh" : "en"));
  const [zone, setZone] = useState(prefs.timeZone ?? ACCOUNT);
  const save = useMutation(
    trpc.me.update.mutationOptions({
      onSuccess: (saved) => {
        // biome-ignore lint/suspicious/noDocumentCookie: a plain, non-secret preference cookie
        document.cookie = `${LOCALE_COOKIE}=${saved.locale ?? locale}; path=/; max-age=31536000; samesite=lax`;
        queryClient.setQueryData(trpc.me.preferences.queryKey(), saved);
        router.refresh();
      },
    }),
  );
  const problem = describe(save.error, { timeZone: "timeZone" });
  const effective = zone || prefs.accountTimeZone;
  const label = (z: string) => `${z} (${offsetLabel(z)})`;
  return (
    <form
      className="max-w-xl space-y-5 rounded border border-slate-200 bg-white p-4 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ locale, timeZone: zone || null });
      }}
    >
      <p className="text-slate-700">{t("intro")}</p>
      <fieldset>
        <legend className="font-medium">{t("language")}</legend>
        <div className="mt-1 flex flex-wrap gap-4">
          {LOCALES.map((l) => (
            <label key={l} className="flex items-center gap-2" lang={l === "zh" ? "zh-CN" : "en"}>
              <input
                type="radio"
                name="locale"
                value={l}
                checked={locale === l}
                onChange={() => setLocale(l)}
              />
              {LOCALE_NAMES[l]}
            </label>
          ))}
        </div>
      </fieldset>
      <div>
        <label htmlFor="settings-zone" className="block font-medium">
          {t("timeZone")}
        </label>
        <select
          id="settings-zone"
          value={zone}
          onChange={(e) => setZone(e.target.value)}
          className="mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1.5"
          {...fieldProps("settings-zone", problem?.fields.timeZone)}
        >
          <option value={ACCOUNT}>{t("accountZone", { zone: label(prefs.accountTimeZone) })}</option>
          {zones.map((z) => (
            <option key={z} value={z}>
              {label(z)}
            </option>
          ))}
        </select>
        <FieldError id="settings-zone-error" message={problem?.fields.timeZone} />
        <p className="mt-1 text-xs text-slate-600" suppressHydrationWarning>
          {t("zoneHint", { now: formatDateTime(new Date(), effective, locale) })}
        </p>
      </div>
      <ErrorAlert
        error={save.error && !problem?.fields.timeZone ? save.error : null}
        onRetry={() => save.reset()}
      />
      {save.isSuccess && <Done>{t("saved", { zone: label(effective) })}</Done>}
      <button
        type="submit"
        disabled={save.isPending}
        className="rounded bg-brand-700 px-3 py-1.5 font-medium text-white hover:bg-brand-600 disabled:opacity-60"
      >
        {save.isPending ? t("saving") : t("save")}
      </button>
    </form>
  );
}
