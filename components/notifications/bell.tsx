"use client";

import { useQuery } from "@tanstack/react-query";
import { Bell } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState } from "react";
import { useTRPC } from "@/trpc/client";
import { MarkAllRead, NotificationList } from "./notification-list";

const REFRESH_MS = 5 * 60 * 1000;

/**
 * The bell in the top bar (R-NOTIFY-1): the unread count on the button; the button opens a panel with
 * the latest notices. A disclosure, not a modal: Escape or a click outside closes it and returns focus.
 */
export function NotificationBell() {
  const t = useTranslations("notifications");
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const pathname = usePathname();
  const count = useQuery({ ...trpc.notifications.unreadCount.queryOptions(), refetchInterval: REFRESH_MS });
  const list = useQuery({ ...trpc.notifications.list.queryOptions({ limit: 8 }), enabled: open });
  const unread = open && list.data ? list.data.unread : (count.data ?? 0);

  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setOpen(false);
        button.current?.focus();
      }
    };
    const onClick = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, [open]);

  return (
    <div ref={root} className="relative">
      <button
        ref={button}
        type="button"
        className="relative inline-flex h-9 w-9 items-center justify-center rounded border border-slate-300 hover:bg-slate-100"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`${t("bell")} (${t("unread", { count: unread })})`}
        onClick={() => setOpen((o) => !o)}
      >
        <Bell aria-hidden="true" className="h-5 w-5" />
        {unread > 0 && (
          <span
            aria-hidden="true"
            data-testid="unread-count"
            className="absolute -right-1.5 -top-1.5 min-w-5 rounded-full bg-red-700 px-1 text-center text-xs font-semibold leading-5 text-white"
          >
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      {open && (
        <section
          id={panelId}
          aria-label={t("title")}
          className="fixed inset-x-2 top-14 z-50 max-h-[70vh] overflow-y-auto rounded border border-slate-200 bg-white p-3 shadow-lg sm:absolute sm:inset-x-auto sm:right-0 sm:top-11 sm:w-96"
        >
          <div className="mb-2 flex items-center justify-between gap-2">
            <h2 className="font-semibold">{t("title")}</h2>
            {unread > 0 && <MarkAllRead />}
          </div>
          {list.isPending ? (
            <p className="text-sm text-slate-600">{t("loading")}</p>
          ) : list.isError ? (
            <p role="alert" className="text-sm text-red-800">
              {t("loadError")}
            </p>
          ) : (
            <NotificationList items={list.data.items} compact />
          )}
          <Link href="/notifications" className="mt-2 inline-block text-sm text-blue-800 underline">
            {t("seeAll")}
          </Link>
        </section>
      )}
    </div>
  );
}
