"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { FieldError, fieldProps } from "@/components/ui/errors";
import { Done, ErrorAlert } from "@/components/enterprise/shared";
import { isLocale, LOCALE_COOKIE, LOCALE_NAMES, LOCALES, type Locale } from "@/i18n/config";
import { useDescribeError } from "@/lib/errors";
import { formatDateTime, offsetLabel } from "@/lib/format";
import { useTRPC } from "@/trpc/client";

const ACCOUNT = "";

/** Language and time zone of the signed-in user; the page is rendered again in them once saved. */
export function SettingsForm({ zones }: { zones: { id: string; offset: string }[] }) {
  const t = useTranslations("settings");
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const describe = useDescribeError();
  const { data: prefs } = useSuspenseQuery(trpc.me.preferences.queryOptions());
  const shown = useLocale();
  const [locale, setLocale] = useState<Locale>(prefs.locale ?? (shown === "zh" ? "zh" : "en"));
  const [zone, setZone] = useState(prefs.timeZone ?? ACCOUNT);
  const formRef = useRef<HTMLFormElement>(null);
  // A choice made while the page was still loading (server-rendered, before React took over the
  // form) is in the DOM but not in the state; React keeps the DOM's value at hydration and would
  // silently reset it at the next render and save the old one. Adopt what the user sees, once.
  useEffect(() => {
    const form = formRef.current;
    if (!form) return;
    const shownZone = form.querySelector<HTMLSelectElement>("#settings-zone")?.value;
    if (shownZone !== undefined && shownZone !== zone) setZone(shownZone);
    const shownLocale = form.querySelector<HTMLInputElement>('input[name="locale"]:checked')?.value;
    if (isLocale(shownLocale) && shownLocale !== locale) setLocale(shownLocale);
  }, []);
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
  // The server's offsets (see the page), so that server and browser render the same text.
  const offsets = new Map(zones.map((z) => [z.id, z.offset]));
  const label = (z: string) => `${z} (${offsets.get(z) ?? offsetLabel(z)})`;
  return (
    <form
      ref={formRef}
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
          {zones.map(({ id }) => (
            <option key={id} value={id}>
              {label(id)}
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
