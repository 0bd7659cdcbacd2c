"use client";

import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useTransition } from "react";
import { LOCALE_COOKIE, LOCALE_NAMES, LOCALES, type Locale } from "@/i18n/config";

/**
 * English / 简体中文 (R-I18N-1): two buttons, each named in its own language. The choice goes into a
 * cookie (the language before sign-in); `save` also stores it on the signed-in user's row. The page
 * is then rendered again in that language.
 */
export function LanguageSwitch({ save }: { save?: (locale: Locale) => Promise<unknown> }) {
  const t = useTranslations("shell");
  const current = useLocale();
  const router = useRouter();
  const [pending, start] = useTransition();
  const choose = (locale: Locale) =>
    start(async () => {
      // biome-ignore lint/suspicious/noDocumentCookie: a plain, non-secret preference cookie
      document.cookie = `${LOCALE_COOKIE}=${locale}; path=/; max-age=31536000; samesite=lax`;
      if (save) await save(locale);
      router.refresh();
    });
  return (
    <fieldset className="flex items-center gap-1 text-sm" aria-busy={pending}>
      <legend className="sr-only">{t("languageSwitch")}</legend>
      {LOCALES.map((l) => (
        <button
          key={l}
          type="button"
          lang={l === "zh" ? "zh-CN" : "en"}
          aria-pressed={current === l}
          disabled={pending}
          onClick={() => current !== l && choose(l)}
          className={`whitespace-nowrap rounded px-2 py-1 ${current === l ? "bg-orange-50 font-medium text-brand-700" : "text-slate-700 hover:bg-slate-100"}`}
        >
          {LOCALE_NAMES[l]}
        </button>
      ))}
    </fieldset>
  );
}
