"use client";

import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formatDateTime, formatMoney, zoneLabel } from "@/lib/format";
import { toDecimal } from "@/server/money";
import { PAYMENT_TYPES, TRANSACTION_TYPES } from "@/server/vouchers/schema";
import { PageNav, useCursorStack } from "@/components/ui/cursor-pages";
import { useTRPC } from "@/trpc/client";

const control = "mt-1 block rounded border border-slate-300 bg-white px-2 py-1.5 text-sm";

/** A small catalog purchase: product, payment type, transaction type, amount → the payment page. */
export function NewOrderForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const { data: products } = useSuspenseQuery(trpc.catalog.products.queryOptions());
  const create = useMutation(
    trpc.orders.create.mutationOptions({ onSuccess: (o) => router.push(`/orders/${o.id}/pay`) }),
  );
  return (
    <form
      aria-label="New order"
      className="flex flex-wrap items-end gap-3 rounded border border-slate-200 bg-white p-3"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        create.mutate({
          productCode: String(f.get("product")),
          paymentType: String(f.get("paymentType")) as (typeof PAYMENT_TYPES)[number],
          transactionType: String(f.get("transactionType")) as (typeof TRANSACTION_TYPES)[number],
          amount: String(f.get("amount")),
        });
      }}
    >
      <h2 className="w-full text-lg font-semibold">Buy</h2>
      <label className="text-sm">
        Product
        <select name="product" className={control}>
          {products.map((p) => (
            <option key={p.code} value={p.code}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm">
        Payment Type
        <select name="paymentType" className={control}>
          {PAYMENT_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <label className="text-sm">
        Transaction Type
        <select name="transactionType" className={control}>
          {TRANSACTION_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <label className="text-sm">
        Order Amount (USD)
        <input
          name="amount"
          required
          inputMode="decimal"
          placeholder="120.00"
          className={`${control} w-32`}
        />
      </label>
      <button
        type="submit"
        disabled={create.isPending}
        className="rounded bg-brand-700 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60"
      >
        Create order and pay
      </button>
      {create.error && (
        <p role="alert" className="w-full text-sm text-red-800">
          {create.error.message}
        </p>
      )}
    </form>
  );
}

export function OrdersTable({ timeZone }: { timeZone: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pages = useCursorStack();
  const cursor = pages.cursor;
  const first = useSuspenseQuery(trpc.orders.list.queryOptions({ limit: 20 }));
  const later = useQuery({
    ...trpc.orders.list.queryOptions({ limit: 20, cursor }),
    enabled: cursor !== undefined,
  });
  const page = cursor === undefined ? first.data : later.data;
  const renew = useMutation(
    trpc.orders.renew.mutationOptions({ onSuccess: (o) => router.push(`/orders/${o.id}/pay`) }),
  );
  const [unsubscribing, setUnsubscribing] = useState<NonNullable<typeof page>["items"][number] | null>(null);
  return (
    <section aria-labelledby="orders-h" className="rounded border border-slate-200 bg-white">
      <h2 id="orders-h" className="p-4 text-lg font-semibold">
        Your orders
      </h2>
      {renew.error && (
        <p role="alert" className="px-4 text-sm text-red-800">
          {renew.error.message}
        </p>
      )}
      <div className="overflow-x-auto">
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">Orders, newest first, times in {zoneLabel(timeZone)}</caption>
          <thead className="bg-slate-100 text-xs uppercase text-slate-700">
            <tr>
              <th scope="col" className="px-3 py-2">
                Order ID
              </th>
              <th scope="col" className="px-3 py-2">
                Product
              </th>
              <th scope="col" className="px-3 py-2">
                Type
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Order Amount
              </th>
              <th scope="col" className="px-3 py-2">
                Status
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Voucher Deduction
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Cash Paid
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                Invoiceable
              </th>
              <th scope="col" className="px-3 py-2">
                Created ({zoneLabel(timeZone)})
              </th>
              <th scope="col" className="px-3 py-2">
                Actions
              </th>
            </tr>
          </thead>
          <tbody>
            {page?.items.map((o) => (
              <tr key={o.id} className="border-t border-slate-100">
                <td className="px-3 py-2 font-mono">{o.id}</td>
                <td className="px-3 py-2">{o.productName}</td>
                <td className="px-3 py-2">
                  {o.paymentType} · {o.transactionType}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">
                  {formatMoney(o.amountMinor, o.currency)}
                </td>
                <td className="px-3 py-2">
                  {o.status}
                  {o.refundMinor > 0 && (
                    <span className="block text-xs text-slate-600">
                      {formatMoney(o.refundMinor, o.currency)} refunded:{" "}
                      {formatMoney(o.cashRefundedMinor, o.currency)} cash,{" "}
                      {formatMoney(o.voucherReturnedMinor, o.currency)} to the voucher
                    </span>
                  )}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">
                  {o.couponId ? (
                    <Link href={`/coupons/${o.couponId}`} className="text-blue-800 underline">
                      {formatMoney(o.voucherMinor, o.currency)}
                    </Link>
                  ) : (
                    formatMoney(o.voucherMinor, o.currency)
                  )}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{formatMoney(o.cashMinor, o.currency)}</td>
                <td className="px-3 py-2 text-right tabular-nums">
                  {formatMoney(o.invoiceableMinor, o.currency)}
                </td>
                <td className="whitespace-nowrap px-3 py-2 tabular-nums">
                  {formatDateTime(o.createdAt, timeZone)}
                </td>
                <td className="whitespace-nowrap px-3 py-2">
                  {o.status === "Pending Payment" && (
                    <Link
                      href={`/orders/${o.id}/pay`}
                      className="text-blue-800 underline"
                      aria-label={`Pay order ${o.id}`}
                    >
                      Pay
                    </Link>
                  )}
                  {o.status === "Paid" && o.paymentType === "Subscription" && (
                    <button
                      type="button"
                      className="text-blue-800 underline"
                      aria-label={`Renew order ${o.id}`}
                      disabled={renew.isPending}
                      onClick={() => renew.mutate({ id: o.id })}
                    >
                      Renew
                    </button>
                  )}
                  {o.status === "Paid" && (
                    <button
                      type="button"
                      className="ml-3 text-blue-800 underline"
                      aria-label={`Unsubscribe order ${o.id}`}
                      onClick={() => setUnsubscribing(o)}
                    >
                      Unsubscribe
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {page?.items.length === 0 && (
          <p className="p-8 text-center text-sm">No orders yet. Buy something above.</p>
        )}
        {page === undefined && (
          <p role="status" className="p-4 text-sm">
            Loading…
          </p>
        )}
      </div>
      <PageNav label="Order pages" pages={pages} nextCursor={page?.nextCursor} />
      {unsubscribing && (
        <UnsubscribeForm
          key={unsubscribing.id}
          order={unsubscribing}
          onClose={() => setUnsubscribing(null)}
        />
      )}
    </section>
  );
}

type RefundableOrder = {
  id: string;
  amountMinor: number;
  voucherMinor: number;
  cashMinor: number;
  currency: string;
  couponId: string | null;
  paymentType: string;
};

/**
 * Unsubscribe (R-REF-1..5): refund part or all of a paid order, once. The answer says how the
 * refund was split and whether the voucher part came back, under the dated rule in force.
 */
function UnsubscribeForm({ order, onClose }: { order: RefundableOrder; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [key] = useState(() => crypto.randomUUID());
  const refund = useMutation(
    trpc.orders.refund.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.orders.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.coupons.pathKey() });
      },
    }),
  );
  const done = refund.data;
  return (
    <form
      aria-labelledby="unsubscribe-h"
      className="m-4 space-y-2 rounded border border-slate-300 bg-slate-50 p-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        const amount = String(new FormData(e.currentTarget).get("amount"));
        refund.mutate({ orderId: order.id, amount, idempotencyKey: key });
      }}
    >
      <h3 id="unsubscribe-h" className="font-semibold">
        Unsubscribe order {order.id}
      </h3>
      <p>
        Paid {formatMoney(order.amountMinor, order.currency)}:{" "}
        {formatMoney(order.voucherMinor, order.currency)} by voucher
        {order.couponId ? ` ${order.couponId}` : ""}, {formatMoney(order.cashMinor, order.currency)} in cash.
        The refund is split in the same proportion. Subscriptions and resource plans get the voucher part back
        to the voucher (an expired voucher keeps its expiry); for pay-as-you-go only the cash part is
        refunded. An order is unsubscribed once.
      </p>
      {done ? (
        <p role="status" className="text-green-800">
          Refunded {formatMoney(done.refundMinor, order.currency)}:{" "}
          {formatMoney(done.cashRefundedMinor, order.currency)} in cash,{" "}
          {formatMoney(done.voucherReturnedMinor, order.currency)}{" "}
          {done.returnedTo === "pool" ? "to the Coupon Quota Pool" : "back to the voucher"}
          {done.voucherForfeitedMinor > 0
            ? `; ${formatMoney(done.voucherForfeitedMinor, order.currency)} of the voucher part is not returned`
            : ""}
          .
        </p>
      ) : (
        <div className="flex flex-wrap items-end gap-3">
          <label className="block">
            Refund amount ({order.currency})
            <input
              name="amount"
              required
              inputMode="decimal"
              defaultValue={toDecimal(order.amountMinor)}
              className="mt-1 block rounded border border-slate-300 bg-white px-2 py-1.5"
            />
          </label>
          <button
            type="submit"
            disabled={refund.isPending}
            className="rounded bg-blue-700 px-3 py-1.5 font-medium text-white disabled:opacity-60"
          >
            Confirm refund
          </button>
        </div>
      )}
      {refund.error && (
        <p role="alert" className="text-red-800">
          {refund.error.message}
        </p>
      )}
      <button type="button" className="text-blue-800 underline" onClick={onClose}>
        Close
      </button>
    </form>
  );
}
