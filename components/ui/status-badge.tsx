"use client";

import { useTranslations } from "next-intl";
import type { CouponStatus } from "@/server/vouchers/rules";

const STYLES: Record<CouponStatus, string> = {
  Available: "bg-green-50 text-green-800 ring-green-600/30",
  "Used up": "bg-slate-100 text-slate-700 ring-slate-500/30",
  Expired: "bg-red-50 text-red-800 ring-red-600/30",
  "Not yet effective": "bg-blue-50 text-blue-800 ring-blue-600/30",
  Reclaimed: "bg-amber-50 text-amber-900 ring-amber-600/30",
};

export function StatusBadge({ status }: { status: CouponStatus }) {
  const t = useTranslations("enums.status");
  return (
    <span
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STYLES[status]}`}
    >
      {t(status)}
    </span>
  );
}
