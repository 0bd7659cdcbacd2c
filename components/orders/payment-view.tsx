"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";
import { FormError } from "@/components/ui/errors";
import { useTranslations } from "next-intl";
import { useDescribeError } from "@/lib/errors";
import { useFormat } from "@/lib/use-format";
import { useLabels } from "@/lib/use-labels";
import { useTRPC } from "@/trpc/client";

const SOON_MS = 7 * 24 * 60 * 60 * 1000;
/** Expires within 7 days of the instant the page's options were judged at. */
const expiresSoon = (expiresAt: string, at: string) => Date.parse(expiresAt) - Date.parse(at) <= SOON_MS;

const NONE = "none";
/** Applicable vouchers shown before "Show all": the recommended one, then the next few. */
const FIRST_SHOWN = 5;

type Order = {
  productCode: string;
  productName: string;
  paymentType: string;
  transactionType: string;
  amountMinor: number;
  currency: string;
};
type Unavailable = {
  id: string;
  currency: string;
  balanceMinor: number;
  effectiveFrom: string;
  expiresAt: string;
  commodities: string[];
  scopes: string[];
  minOrderMinor: number;
  reasons: { code: string; text: string }[];
};

/** What would make the voucher apply, in words (R-MATCH-3), from the `payment.reason` catalog. */
function useReasonText(order: Order, names: ReadonlyMap<string, string>) {
  const t = useTranslations("payment.reason");
  const f = useFormat();
  const l = useLabels();
  return (code: string, v: Unavailable, fallback: string): string => {
    const product = l.product(order.productCode, order.productName);
    switch (code) {
      case "EXPIRED":
        return t(code, { date: f.dateTime(new Date(Date.parse(v.expiresAt) - 1000).toISOString()) });
      case "NOT_YET_EFFECTIVE":
        return t(code, { date: f.dateTime(v.effectiveFrom) });
      case "CURRENCY_MISMATCH":
        return t(code, { currency: v.currency, orderCurrency: order.currency });
      case "PRODUCT_EXCLUDED_FROM_GENERAL":
        return t(code, { product });
      case "PRODUCT_NOT_COVERED":
        return t(code, { products: l.commodities(v.commodities, names), product });
      case "SCOPE_NOT_COVERED":
        return t(code, { scopes: l.scopes(v.scopes), type: l.transactionType(order.transactionType) });
      case "PAYMENT_TYPE_NOT_COVERED":
        return t(code, { paymentType: l.paymentType(order.paymentType) });
      case "BELOW_MIN_ORDER":
        return t(code, {
          min: f.money(v.minOrderMinor, v.currency),
          amount: f.money(order.amountMinor, order.currency),
        });
      default:
        return t.has(code) ? t(code) : `${fallback}.`;
    }
  };
}

/**
 * The payment page (R-MATCH-1..7): order information, the recommended voucher and "Do not use a
 * voucher" first, then the other applicable vouchers (a few, then "Show all"), the unavailable
 * vouchers with what would make them apply, and a summary with Pay that stays in view.
 * The choice lives in the URL (?voucher=ID or ?voucher=none), so a reload keeps it. One
 * idempotency key per choice: a double click or a retry pays once. When the chosen voucher changed
 * underneath, the choice is kept, its new deduction shown, and the user confirms again.
 */
export function PaymentView({ id }: { id: string }) {
  const forecastText = useTranslations("forecast");
  const trpc = useTRPC();
  const t = useTranslations("payment");
  const f = useFormat();
  const l = useLabels();
  const describeError = useDescribeError();
  const queryClient = useQueryClient();
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const optionsQuery = trpc.orders.paymentOptions.queryOptions({ id });
  const { data } = useSuspenseQuery(optionsQuery);
  const { data: products } = useSuspenseQuery(trpc.catalog.products.queryOptions());
  const names = useMemo(() => new Map(products.map((p) => [p.code, p.name])), [products]);
  const { order } = data;
  const reasonText = useReasonText(order, names);
  const [choice, setChoice] = useState<string | null>(() => search.get("voucher"));
  const selected = choice ?? data.defaultVoucherId ?? NONE;
  const voucher = data.applicable.find((v) => v.id === selected) ?? null;
  /** The user's voucher is no longer among the applicable ones: they must choose again. */
  const lost = selected !== NONE && voucher === null;
  const deduction = voucher?.deductionMinor ?? 0;
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [showAll, setShowAll] = useState(false);
  const [changed, setChanged] = useState<{ voucherId: string; wasMinor: number } | null>(null);
  const pay = useMutation(
    trpc.orders.pay.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.orders.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.coupons.pathKey() });
      },
      onError: (err, vars) => {
        const code = (err.data as { domainCode?: string } | undefined)?.domainCode;
        if (code === "VOUCHER_CHANGED" || code === "VOUCHER_NOT_APPLICABLE") {
          // Keep the user's choice; show its current state; they confirm again with a new key.
          if (vars.couponId) {
            setChoice(vars.couponId);
            setChanged({ voucherId: vars.couponId, wasMinor: vars.expectedDeductionMinor });
          }
          setKey(crypto.randomUUID());
          void queryClient.invalidateQueries({ queryKey: optionsQuery.queryKey });
        }
      },
    }),
  );
  const choose = (value: string) => {
    setChoice(value);
    setChanged(null);
    setKey(crypto.randomUUID());
    pay.reset();
    const sp = new URLSearchParams(search.toString());
    sp.set("voucher", value);
    router.replace(`${pathname}?${sp.toString()}`, { scroll: false });
  };
  const confirm = () =>
    pay.mutate({
      orderId: order.id,
      couponId: voucher?.id ?? null,
      expectedDeductionMinor: deduction,
      idempotencyKey: key,
    });
  const paid =
    pay.data ??
    (order.status === "Paid"
      ? { voucherMinor: order.voucherMinor, cashMinor: order.cashMinor, couponId: order.couponId }
      : null);

  if (paid) {
    return (
      <section aria-labelledby="paid-h" className="max-w-2xl rounded border border-green-200 bg-green-50 p-6">
        <h2 id="paid-h" className="text-lg font-semibold text-green-900">
          {t("paidTitle", { id: order.id })}
        </h2>
        <dl className="mt-3 grid grid-cols-2 gap-2 text-sm">
          <dt>{t("voucherDeduction")}</dt>
          <dd className="text-right tabular-nums">{f.money(paid.voucherMinor, order.currency)}</dd>
          <dt>{t("cashPaid")}</dt>
          <dd className="text-right tabular-nums">{f.money(paid.cashMinor, order.currency)}</dd>
        </dl>
        <p className="mt-4 flex flex-wrap gap-4 text-sm">
          {paid.couponId && (
            <Link href={`/coupons/${paid.couponId}`} className="text-blue-800 underline">
              {t("seeDeduction", { id: paid.couponId })}
            </Link>
          )}
          <Link href="/orders" className="text-blue-800 underline">
            {t("backToOrders")}
          </Link>
        </p>
      </section>
    );
  }
  if (order.status !== "Pending Payment") {
    return (
      <section aria-labelledby="closed-h" className="max-w-2xl rounded border border-slate-200 bg-white p-6">
        <h2 id="closed-h" className="text-lg font-semibold">
          {t("closedTitle", { id: order.id, status: l.orderStatus(order.status) })}
        </h2>
        <p className="mt-2 text-sm">
          {t("nothingToPay")}{" "}
          <Link href="/orders" className="text-blue-800 underline">
            {t("backToOrders")}
          </Link>
        </p>
      </section>
    );
  }

  const [recommended, ...others] = data.applicable;
  const visibleOthers = showAll ? others : others.filter((v, i) => i < FIRST_SHOWN - 1 || v.id === selected);
  const hiddenCount = others.length - visibleOthers.length;
  const changedVoucher = changed ? data.applicable.find((v) => v.id === changed.voucherId) : undefined;
  const payError = describeError(pay.error);
  const option = (v: (typeof data.applicable)[number], badge?: string) => (
    <label
      key={v.id}
      className={`flex cursor-pointer items-start gap-3 rounded border p-3 text-sm ${selected === v.id ? "border-brand-700 bg-orange-50" : "border-slate-200"}`}
    >
      <input
        type="radio"
        name="voucher"
        value={v.id}
        checked={selected === v.id}
        onChange={() => choose(v.id)}
        className="mt-1"
      />
      <span className="min-w-0 flex-1">
        <span className="break-all font-mono font-medium">{v.id}</span>
        {badge && <span className="ml-2 rounded bg-slate-800 px-1.5 py-0.5 text-xs text-white">{badge}</span>}
        {v.shared && (
          <span className="ml-2 rounded bg-blue-50 px-1.5 py-0.5 text-xs text-blue-900">{t("shared")}</span>
        )}
        {expiresSoon(v.expiresAt, data.evaluatedAt) && (
          // A hint only: the default stays the priority rule's (R-MATCH-4); issue 12.
          <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900">
            {forecastText("expiresSoon")}
          </span>
        )}
        <span className="block text-slate-700">
          {t("optionLine", {
            balance: f.money(v.balanceMinor, v.currency),
            validity: f.validity(v.effectiveFrom, v.expiresAt),
          })}
          {v.description && (
            <>
              {" · "}
              <span translate="no">{v.description}</span>
            </>
          )}
        </span>
      </span>
      <span className="whitespace-nowrap font-medium tabular-nums">
        −{f.money(v.deductionMinor, v.currency)}
      </span>
    </label>
  );

  return (
    <div className="grid max-w-5xl grid-cols-1 gap-6 lg:grid-cols-3">
      <div className="min-w-0 space-y-6 lg:col-span-2">
        <section aria-labelledby="order-h" className="rounded border border-slate-200 bg-white p-4">
          <h2 id="order-h" className="text-lg font-semibold">
            {t("orderInfo")}
          </h2>
          <dl className="mt-3 grid grid-cols-1 gap-2 text-sm sm:grid-cols-2 md:grid-cols-4">
            <div>
              <dt className="text-slate-600">{t("product")}</dt>
              <dd className="font-medium break-words">{l.product(order.productCode, order.productName)}</dd>
            </div>
            <div>
              <dt className="text-slate-600">{t("paymentType")}</dt>
              <dd className="font-medium">{l.paymentType(order.paymentType)}</dd>
            </div>
            <div>
              <dt className="text-slate-600">{t("transactionType")}</dt>
              <dd className="font-medium">{l.transactionType(order.transactionType)}</dd>
            </div>
            <div>
              <dt className="text-slate-600">{t("orderAmount")}</dt>
              <dd className="font-medium tabular-nums">{f.money(order.amountMinor, order.currency)}</dd>
            </div>
          </dl>
        </section>

        <fieldset className="min-w-0 rounded border border-slate-200 bg-white p-4">
          <legend className="px-1 text-lg font-semibold">{t("vouchers")}</legend>
          <p className="text-sm text-slate-700">
            {data.applicableCount === 0
              ? t("noneApplies")
              : t("applicableIntro", { count: data.applicableCount })}
          </p>
          {lost && (
            <p
              role="alert"
              className="mt-3 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-950"
            >
              {t("lost", { id: selected })}
            </p>
          )}
          <div className="mt-3 space-y-2">
            {recommended && option(recommended, t("recommended"))}
            <label
              className={`flex cursor-pointer items-center gap-3 rounded border p-3 text-sm ${selected === NONE ? "border-brand-700 bg-orange-50" : "border-slate-200"}`}
            >
              <input
                type="radio"
                name="voucher"
                value={NONE}
                checked={selected === NONE}
                onChange={() => choose(NONE)}
              />
              {t("noVoucher")}
            </label>
            {visibleOthers.map((v) => option(v))}
          </div>
          {hiddenCount > 0 && (
            <button
              type="button"
              className="mt-3 rounded border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-100"
              onClick={() => setShowAll(true)}
            >
              {t("showAll", { count: data.applicable.length })}
            </button>
          )}
          {data.applicableCount > data.applicable.length && showAll && (
            <p className="mt-1 text-sm text-slate-600">
              {t("showingFirst", { shown: data.applicable.length, count: data.applicableCount })}
            </p>
          )}
          {data.unavailableCount > 0 && (
            <details className="mt-4 text-sm">
              <summary className="cursor-pointer font-medium">
                {t("unavailable", { count: data.unavailableCount })}
              </summary>
              <ul className="mt-2 divide-y divide-slate-100">
                {data.unavailable.map((v) => (
                  <li key={v.id} className="py-2">
                    <span className="font-mono">{v.id}</span> ·{" "}
                    {t("unavailableBalance", { amount: f.money(v.balanceMinor, v.currency) })}
                    <ul className="mt-0.5 text-slate-700">
                      {v.reasons.map((r) => (
                        <li key={r.code}>{reasonText(r.code, v, r.text)}</li>
                      ))}
                    </ul>
                  </li>
                ))}
              </ul>
              {data.unavailableCount > data.unavailable.length && (
                <p className="mt-1 text-slate-600">
                  {t("showingOf", { shown: data.unavailable.length, count: data.unavailableCount })}
                </p>
              )}
            </details>
          )}
        </fieldset>
      </div>

      {/* The summary and Pay stay in view: beside the list on wide screens, along the bottom on phones. */}
      <section
        aria-labelledby="due-h"
        className="sticky bottom-0 z-10 -mx-4 h-fit border-t border-slate-200 bg-white p-4 shadow-[0_-4px_12px_rgba(0,0,0,0.08)] md:-mx-0 lg:top-4 lg:bottom-auto lg:rounded lg:border lg:shadow-none"
      >
        <h2 id="due-h" className="text-lg font-semibold max-lg:sr-only">
          {t("summary")}
        </h2>
        <dl className="space-y-1 text-sm lg:mt-3 lg:space-y-2">
          <div className="flex justify-between max-lg:hidden">
            <dt>{t("orderAmount")}</dt>
            <dd className="tabular-nums">{f.money(order.amountMinor, order.currency)}</dd>
          </div>
          <div className="flex justify-between">
            <dt>{voucher ? t("voucherDeductionOf", { id: voucher.id }) : t("voucherDeduction")}</dt>
            <dd className="tabular-nums" data-testid="deduction">
              −{f.money(deduction, order.currency)}
            </dd>
          </div>
          <div className="flex justify-between border-t border-slate-200 pt-1 text-base font-semibold lg:pt-2">
            <dt>{t("amountDue")}</dt>
            <dd className="tabular-nums" data-testid="amount-due" aria-live="polite">
              {f.money(order.amountMinor - deduction, order.currency)}
            </dd>
          </div>
        </dl>
        {changed && changedVoucher && (
          <p
            role="alert"
            className="mt-3 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-950"
          >
            {t("changed", {
              id: changed.voucherId,
              now: f.money(changedVoucher.deductionMinor, order.currency),
              was: f.money(changed.wasMinor, order.currency),
            })}
          </p>
        )}
        {payError && !(changed && (changedVoucher || lost)) && (
          <FormError error={payError} onRetry={confirm} />
        )}
        <button
          type="button"
          disabled={pay.isPending || lost}
          className="mt-3 w-full rounded bg-brand-700 px-4 py-2 font-medium text-white disabled:opacity-60 lg:mt-4"
          onClick={confirm}
        >
          {pay.isPending ? t("paying") : t("confirmPay")}
        </button>
        <p className="mt-2 text-xs text-slate-600 max-lg:hidden">{t("checkedAgain")}</p>
      </section>
    </div>
  );
}
