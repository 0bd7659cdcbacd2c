"use client";

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import type { DigestMode } from "@/server/notifications/schema";
import { useTRPC } from "@/trpc/client";
import { MarkAllRead, NotificationList } from "./notification-list";

const MODES: DigestMode[] = ["off", "daily", "immediate"];

/** The Notifications page: every notice, page by page, and the email preference (R-NOTIFY-1, -2). */
export function NotificationsView() {
  const t = useTranslations("notifications");
  const trpc = useTRPC();
  const pages = useInfiniteQuery(
    trpc.notifications.list.infiniteQueryOptions(
      { limit: 20 },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
  );
  const items = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const unread = pages.data?.pages[0]?.unread ?? 0;
  return (
    <div className="grid max-w-3xl gap-6">
      <section aria-labelledby="notices-heading" className="rounded border border-slate-200 bg-white p-4">
        <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
          <h2 id="notices-heading" className="text-lg font-semibold">
            {t("title")}{" "}
            <span className="text-sm font-normal text-slate-600">({t("unread", { count: unread })})</span>
          </h2>
          {unread > 0 && <MarkAllRead />}
        </div>
        <p className="mb-3 text-sm text-slate-600">{t("intro")}</p>
        {pages.isPending ? (
          <p className="text-sm text-slate-600">{t("loading")}</p>
        ) : pages.isError ? (
          <p role="alert" className="text-sm text-red-800">
            {t("loadError")}
          </p>
        ) : (
          <NotificationList items={items} />
        )}
        {pages.hasNextPage && (
          <button
            type="button"
            className="mt-3 rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100"
            disabled={pages.isFetchingNextPage}
            onClick={() => void pages.fetchNextPage()}
          >
            {t("loadMore")}
          </button>
        )}
      </section>
      <DigestPreference />
    </div>
  );
}

function DigestPreference() {
  const t = useTranslations("notifications");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pref = useQuery(trpc.notifications.preference.queryOptions());
  const [choice, setChoice] = useState<DigestMode | null>(null);
  const save = useMutation(
    trpc.notifications.setPreference.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.notifications.preference.queryKey() }),
    }),
  );
  if (!pref.data) return null;
  const current = choice ?? pref.data.emailDigest;
  return (
    <section aria-labelledby="prefs-heading" className="rounded border border-slate-200 bg-white p-4">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ emailDigest: current });
        }}
      >
        <fieldset>
          <legend id="prefs-heading" className="text-lg font-semibold">
            {t("prefsLegend")}
          </legend>
          {!pref.data.emailConfigured && <p className="mt-1 text-sm text-slate-600">{t("prefsNoSmtp")}</p>}
          <div className="mt-2 grid gap-1">
            {MODES.map((m) => (
              <label key={m} className="flex items-center gap-2 text-sm">
                <input
                  type="radio"
                  name="emailDigest"
                  value={m}
                  checked={current === m}
                  onChange={() => setChoice(m)}
                />
                {t(`prefs_${m}`)}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="mt-3 flex items-center gap-3">
          <button
            type="submit"
            className="rounded bg-brand-700 px-3 py-1 text-sm font-medium text-white disabled:opacity-60"
            disabled={save.isPending}
          >
            {t("prefsSave")}
          </button>
          <p role="status" className="text-sm text-slate-700">
            {save.isSuccess ? t("prefsSaved") : save.isError ? t("actionError") : ""}
          </p>
        </div>
      </form>
    </section>
  );
}
