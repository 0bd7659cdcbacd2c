"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export function NavLink({ href, children }: { href: string; children: React.ReactNode }) {
  const active = usePathname().startsWith(href);
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={`block rounded px-2 py-1.5 ${active ? "bg-orange-50 font-medium text-brand-700" : "text-slate-800 hover:bg-slate-100"}`}
    >
      {children}
    </Link>
  );
}
