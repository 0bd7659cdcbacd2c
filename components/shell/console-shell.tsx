"use client";

import { Menu, X } from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { NotificationBell } from "@/components/notifications/bell";
import { NavLink } from "@/components/ui/nav-link";
import { useTRPC } from "@/trpc/client";
import { useMutation } from "@tanstack/react-query";
import { LanguageSwitch } from "./language-switch";
import type { NavGroup } from "./nav";

type Props = {
  groups: NavGroup[];
  user: { email: string; accountName: string; accountId: string };
  children: React.ReactNode;
};

/**
 * The console frame: a header, the navigation and the page. At 768 px and wider the navigation is a
 * sidebar; below, it sits behind a menu button (R-UX-1) and opens over the page, closing on Escape
 * or when a page is chosen. The header, the navigation and the skip link are not printed.
 */
export function ConsoleShell({ groups, user, children }: Props) {
  const t = useTranslations("shell");
  const tn = useTranslations("nav");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const saveLocale = useMutation(trpc.me.update.mutationOptions());
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLElement>(null);

  // A chosen page closes the menu.
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    panel.current?.querySelector<HTMLElement>("a")?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);

  return (
    <>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:bg-white focus:p-2 print:hidden"
      >
        {t("skip")}
      </a>
      <header className="sticky top-0 z-40 flex h-14 items-center justify-between gap-2 border-b border-slate-200 bg-white px-3 md:static md:px-4 print:hidden">
        <div className="flex min-w-0 items-center gap-2">
          <button
            ref={button}
            type="button"
            className="inline-flex h-10 w-10 shrink-0 items-center justify-center rounded border border-slate-300 md:hidden"
            aria-expanded={open}
            aria-controls="console-nav"
            onClick={() => setOpen((o) => !o)}
          >
            {open ? (
              <X aria-hidden="true" className="h-5 w-5" />
            ) : (
              <Menu aria-hidden="true" className="h-5 w-5" />
            )}
            <span className="sr-only">{t("menu")}</span>
          </button>
          <Link href="/coupons" className="min-w-0 truncate font-semibold text-brand-700">
            {tc("appName")}
          </Link>
        </div>
        <div className="flex shrink-0 items-center gap-2 text-sm sm:gap-3">
          <span className="hidden min-w-0 truncate sm:block">
            <span className="font-medium" translate="no">
              {user.email}
            </span>
            <span className="hidden text-slate-600 lg:inline">
              {" "}
              · <span translate="no">{user.accountName}</span> · {t("uid", { id: user.accountId })}
            </span>
          </span>
          <LanguageSwitch save={(locale) => saveLocale.mutateAsync({ locale })} />
          <NotificationBell />
          <form method="post" action="/api/auth/sign-out">
            <button
              type="submit"
              className="whitespace-nowrap rounded border border-slate-300 px-3 py-1 hover:bg-slate-100"
            >
              {t("signOut")}
            </button>
          </form>
        </div>
      </header>
      <div className="md:flex">
        <nav
          id="console-nav"
          ref={panel}
          aria-label={t("consoleNav")}
          className={`${open ? "fixed inset-x-0 bottom-0 top-14 z-30 block overflow-y-auto" : "hidden"} border-r border-slate-200 bg-white p-3 text-sm md:static md:block md:min-h-[calc(100vh-3.5rem)] md:w-56 md:shrink-0 print:hidden`}
        >
          <p className="px-2 pb-2 text-xs text-slate-600 sm:hidden">
            {t("signedInAs")}{" "}
            <span className="font-medium text-slate-800" translate="no">
              {user.email}
            </span>
            <br />
            <span translate="no">{user.accountName}</span> · {t("uid", { id: user.accountId })}
          </p>
          {groups.map((g, i) => (
            <div key={g.label}>
              <p
                className={`px-2 pb-1 ${i === 0 ? "pt-2" : "pt-4"} text-xs font-semibold uppercase tracking-wide text-slate-600`}
              >
                {tn(g.label)}
              </p>
              <ul>
                {g.items.map((item) => (
                  <li key={item.href}>
                    <NavLink href={item.href}>{tn(item.label)}</NavLink>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>
        <main id="main" className="min-w-0 flex-1 p-4 md:p-6 print:p-0">
          {children}
        </main>
      </div>
    </>
  );
}
