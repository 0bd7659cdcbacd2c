"use client";

import { useTranslations } from "next-intl";

/** A page that failed on our side (R-UX-2): nothing was changed, and it can be tried again. */
export default function ConsoleError({ reset }: { error: Error; reset: () => void }) {
  const t = useTranslations("common");
  return (
    <div role="alert" className="max-w-2xl rounded border border-red-200 bg-red-50 p-6 text-sm text-red-900">
      <h1 className="text-lg font-semibold">{t("pageErrorTitle")}</h1>
      <p className="mt-2">{t("pageErrorBody")}</p>
      <button
        type="button"
        className="mt-4 rounded border border-red-300 bg-white px-3 py-1.5 hover:bg-red-100"
        onClick={reset}
      >
        {t("tryAgain")}
      </button>
    </div>
  );
}
