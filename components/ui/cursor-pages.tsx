"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

/** Keyset paging for a table kept in component state: a stack of cursors, so "Previous" returns exactly. */
export function useCursorStack() {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    cursor: cursors.at(-1),
    hasPrevious: cursors.length > 0,
    previous: () => setCursors((s) => s.slice(0, -1)),
    next: (cursor: string) => setCursors((s) => [...s, cursor]),
  };
}

export function PageNav({
  label,
  pages,
  nextCursor,
}: {
  label: string;
  pages: ReturnType<typeof useCursorStack>;
  nextCursor: string | null | undefined;
}) {
  const t = useTranslations("pages");
  return (
    <nav aria-label={label} className="flex gap-3 p-4 text-sm">
      {pages.hasPrevious && (
        <button
          type="button"
          className="rounded border border-slate-300 px-3 py-1.5"
          onClick={pages.previous}
        >
          {t("previous")}
        </button>
      )}
      {nextCursor && (
        <button
          type="button"
          className="rounded border border-slate-300 px-3 py-1.5"
          onClick={() => pages.next(nextCursor)}
        >
          {t("next")}
        </button>
      )}
    </nav>
  );
}
