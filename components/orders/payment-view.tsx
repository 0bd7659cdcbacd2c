"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { formatMoney, formatValidity } from "@/lib/format";
import { useTRPC } from "@/trpc/client";

const NONE = "none";

/**
 * The payment page (R-MATCH-1..7): order information, the applicable vouchers with the default
 * chosen by priority, "Do not use a voucher", the amounts, and the unavailable vouchers with reasons.
 * One idempotency key per choice: a double click or a retry pays once.
 */
export function PaymentView({ id, timeZone }: { id: string; timeZone: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const optionsQuery = trpc.orders.paymentOptions.queryOptions({ id });
  const { data } = useSuspenseQuery(optionsQuery);
  const { order } = data;
  const [choice, setChoice] = useState<string | null>(null);
  const selected = choice ?? data.defaultVoucherId ?? NONE;
  const voucher = data.applicable.find((v) => v.id === selected) ?? null;
  const deduction = voucher?.deductionMinor ?? 0;
  const [key, setKey] = useState(() => crypto.randomUUID());
  const pay = useMutation(
    trpc.orders.pay.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.orders.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.coupons.pathKey() });
      },
      onError: (err) => {
        const code = (err.data as { domainCode?: string } | undefined)?.domainCode;
        if (code === "VOUCHER_CHANGED" || code === "VOUCHER_NOT_APPLICABLE") {
          // Show the current state; the user reviews and confirms again with a new key.
          setChoice(null);
          setKey(crypto.randomUUID());
          void queryClient.invalidateQueries({ queryKey: optionsQuery.queryKey });
        }
      },
    }),
  );
  const choose = (value: string) => {
    setChoice(value);
    setKey(crypto.randomUUID());
    pay.reset();
  };
  const paid =
    pay.data ??
    (order.status === "Paid"
      ? { voucherMinor: order.voucherMinor, cashMinor: order.cashMinor, couponId: order.couponId }
      : null);

  if (paid) {
    return (
      <section aria-labelledby="paid-h" className="max-w-2xl rounded border border-green-200 bg-green-50 p-6">
        <h2 id="paid-h" className="text-lg font-semibold text-green-900">
          Order {order.id} is paid
        </h2>
        <dl className="mt-3 grid grid-cols-2 gap-2 text-sm">
          <dt>Voucher Deduction</dt>
          <dd className="text-right tabular-nums">{formatMoney(paid.voucherMinor, order.currency)}</dd>
          <dt>Cash Paid</dt>
          <dd className="text-right tabular-nums">{formatMoney(paid.cashMinor, order.currency)}</dd>
        </dl>
        <p className="mt-4 flex gap-4 text-sm">
          {paid.couponId && (
            <Link href={`/coupons/${paid.couponId}`} className="text-blue-800 underline">
              See the deduction on {paid.couponId}
            </Link>
          )}
          <Link href="/orders" className="text-blue-800 underline">
            Back to Orders
          </Link>
        </p>
      </section>
    );
  }

  return (
    <div className="grid max-w-5xl grid-cols-1 gap-6 lg:grid-cols-3">
      <div className="space-y-6 lg:col-span-2">
        <section aria-labelledby="order-h" className="rounded border border-slate-200 bg-white p-4">
          <h2 id="order-h" className="text-lg font-semibold">
            Order information
          </h2>
          <dl className="mt-3 grid grid-cols-2 gap-2 text-sm sm:grid-cols-4">
            <div>
              <dt className="text-slate-600">Product</dt>
              <dd className="font-medium">{order.productName}</dd>
            </div>
            <div>
              <dt className="text-slate-600">Payment Type</dt>
              <dd className="font-medium">{order.paymentType}</dd>
            </div>
            <div>
              <dt className="text-slate-600">Transaction Type</dt>
              <dd className="font-medium">{order.transactionType}</dd>
            </div>
            <div>
              <dt className="text-slate-600">Order Amount</dt>
              <dd className="font-medium tabular-nums">{formatMoney(order.amountMinor, order.currency)}</dd>
            </div>
          </dl>
        </section>

        <fieldset className="rounded border border-slate-200 bg-white p-4">
          <legend className="px-1 text-lg font-semibold">Vouchers</legend>
          <p className="text-sm text-slate-700">
            {data.applicableCount === 0
              ? "None of your vouchers applies to this order."
              : `${data.applicableCount} applicable voucher${data.applicableCount === 1 ? "" : "s"}; the one that covers most is chosen for you. One voucher per order.`}
          </p>
          <div className="mt-3 space-y-2">
            {data.applicable.map((v) => (
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
                <span className="flex-1">
                  <span className="font-mono font-medium">{v.id}</span>
                  {v.id === data.defaultVoucherId && (
                    <span className="ml-2 rounded bg-slate-800 px-1.5 py-0.5 text-xs text-white">
                      Recommended
                    </span>
                  )}
                  {v.shared && (
                    <span className="ml-2 rounded bg-blue-50 px-1.5 py-0.5 text-xs text-blue-900">
                      Shared
                    </span>
                  )}
                  <span className="block text-slate-700">
                    Balance {formatMoney(v.balanceMinor, v.currency)} · valid{" "}
                    {formatValidity(v.effectiveFrom, v.expiresAt, timeZone)}
                    {v.description && ` · ${v.description}`}
                  </span>
                </span>
                <span className="tabular-nums font-medium">−{formatMoney(v.deductionMinor, v.currency)}</span>
              </label>
            ))}
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
              Do not use a voucher
            </label>
          </div>
          {data.unavailableCount > 0 && (
            <details className="mt-4 text-sm">
              <summary className="cursor-pointer font-medium">
                Unavailable vouchers ({data.unavailableCount})
              </summary>
              <ul className="mt-2 divide-y divide-slate-100">
                {data.unavailable.map((v) => (
                  <li key={v.id} className="py-2">
                    <span className="font-mono">{v.id}</span> · balance{" "}
                    {formatMoney(v.balanceMinor, v.currency)}
                    <span className="block text-slate-700">{v.reasons.map((r) => r.text).join("; ")}</span>
                  </li>
                ))}
              </ul>
              {data.unavailableCount > data.unavailable.length && (
                <p className="mt-1 text-slate-600">
                  Showing {data.unavailable.length} of {data.unavailableCount}.
                </p>
              )}
            </details>
          )}
        </fieldset>
      </div>

      <section aria-labelledby="due-h" className="h-fit rounded border border-slate-200 bg-white p-4">
        <h2 id="due-h" className="text-lg font-semibold">
          Summary
        </h2>
        <dl className="mt-3 space-y-2 text-sm">
          <div className="flex justify-between">
            <dt>Order Amount</dt>
            <dd className="tabular-nums">{formatMoney(order.amountMinor, order.currency)}</dd>
          </div>
          <div className="flex justify-between">
            <dt>Voucher Deduction</dt>
            <dd className="tabular-nums" data-testid="deduction">
              −{formatMoney(deduction, order.currency)}
            </dd>
          </div>
          <div className="flex justify-between border-t border-slate-200 pt-2 text-base font-semibold">
            <dt>Amount Due</dt>
            <dd className="tabular-nums" data-testid="amount-due" aria-live="polite">
              {formatMoney(order.amountMinor - deduction, order.currency)}
            </dd>
          </div>
        </dl>
        {pay.error && (
          <p role="alert" className="mt-3 rounded border border-red-200 bg-red-50 p-2 text-sm text-red-800">
            {pay.error.message}
          </p>
        )}
        <button
          type="button"
          disabled={pay.isPending}
          className="mt-4 w-full rounded bg-brand-700 px-4 py-2 font-medium text-white disabled:opacity-60"
          onClick={() =>
            pay.mutate({
              orderId: order.id,
              couponId: voucher?.id ?? null,
              expectedDeductionMinor: deduction,
              idempotencyKey: key,
            })
          }
        >
          {pay.isPending ? "Paying…" : "Confirm and pay"}
        </button>
        <p className="mt-2 text-xs text-slate-600">
          The voucher is checked again when you confirm. The cash part is invoiceable.
        </p>
      </section>
    </div>
  );
}
