"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { useFormat } from "@/lib/use-format";
import type { NotificationItem } from "@/server/notifications/schema";
import { useTRPC } from "@/trpc/client";

/** coupon_status() names → catalog keys. */
const STATUS_KEYS: Record<string, string> = {
  Available: "Available",
  "Used up": "UsedUp",
  Expired: "Expired",
  "Not yet effective": "NotYetEffective",
  Reclaimed: "Reclaimed",
};

/**
 * Expiry notices (R-NOTIFY-1), newest first: "CP-… ($12.50 left) expires in 7 days", a link to the
 * voucher, "Use it now" when a pending order can be paid with it, and "Mark as read". Used by the
 * bell's panel and by the Notifications page.
 */
export function NotificationList({
  items,
  compact = false,
}: {
  items: NotificationItem[];
  compact?: boolean;
}) {
  const t = useTranslations("notifications");
  const fmt = useFormat();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [failed, setFailed] = useState(false);
  const markRead = useMutation(
    trpc.notifications.markRead.mutationOptions({
      onMutate: () => setFailed(false),
      onError: () => setFailed(true),
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.notifications.pathKey() }),
    }),
  );
  if (items.length === 0) return <p className="text-sm text-slate-600">{t("empty")}</p>;
  return (
    <>
      {failed && (
        <p role="alert" className="mb-2 text-sm text-red-800">
          {t("actionError")}
        </p>
      )}
      <ul className="divide-y divide-slate-200">
        {items.map((n) => (
          <li key={n.id} className={`py-2 ${compact ? "text-sm" : ""}`}>
            <p className={n.read ? "text-slate-700" : "font-medium text-slate-900"}>
              {!n.read && (
                <span className="mr-2 rounded bg-brand-700 px-1.5 py-0.5 text-xs font-semibold text-white">
                  {t("new")}
                </span>
              )}
              {!n.read && " "}
              {t("item", {
                id: n.couponId,
                balance: fmt.money(n.balanceMinor, n.currency),
                days: n.thresholdDays,
              })}
            </p>
            {n.status !== "Available" && (
              <p className="text-sm text-slate-600">
                {t("itemNow", { status: t(`status.${STATUS_KEYS[n.status] ?? "Available"}`) })}
              </p>
            )}
            <div className="mt-1 flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
              <Link href={`/coupons/${encodeURIComponent(n.couponId)}`} className="text-blue-800 underline">
                {t("viewVoucher", { id: n.couponId })}
              </Link>
              {n.orderId && n.status === "Available" && (
                <Link
                  href={`/orders/${encodeURIComponent(n.orderId)}/pay`}
                  className="font-medium text-blue-800 underline"
                  aria-label={t("useNowLabel", { id: n.couponId, order: n.orderId })}
                >
                  {t("useNow")}
                </Link>
              )}
              {!n.read && (
                <button
                  type="button"
                  className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 disabled:opacity-60"
                  aria-label={t("markReadLabel", { id: n.couponId })}
                  disabled={markRead.isPending}
                  onClick={() => markRead.mutate({ id: n.id })}
                >
                  {t("markRead")}
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

/** "Mark all as read" for the caller's account. */
export function MarkAllRead() {
  const t = useTranslations("notifications");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const markAll = useMutation(
    trpc.notifications.markAllRead.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.notifications.pathKey() }),
    }),
  );
  return (
    <button
      type="button"
      className="rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 disabled:opacity-60"
      disabled={markAll.isPending}
      onClick={() => markAll.mutate()}
    >
      {t("markAllRead")}
    </button>
  );
}
