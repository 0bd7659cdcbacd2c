"use client";

import { TableScroll } from "@/components/ui/table-scroll";
import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { formatDate, formatDateTime, formatMoney, zoneLabel } from "@/lib/format";
import { parseMoney, toDecimal } from "@/server/money";
import { PAYMENT_TYPES, TRANSACTION_TYPES } from "@/server/vouchers/schema";
import { PageNav, useCursorStack } from "@/components/ui/cursor-pages";
import { Dialog } from "@/components/ui/dialog";
import { FieldError, FormError, fieldProps } from "@/components/ui/errors";
import { amountProblem, describeError } from "@/lib/errors";
import { useTRPC } from "@/trpc/client";

const control = "mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1.5 text-sm";

/** A small catalog purchase: product, payment type, transaction type, amount → the payment page. */
export function NewOrderForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const { data: products } = useSuspenseQuery(trpc.catalog.products.queryOptions());
  const [amountError, setAmountError] = useState<string | null>(null);
  const create = useMutation(
    trpc.orders.create.mutationOptions({ onSuccess: (o) => router.push(`/orders/${o.id}/pay`) }),
  );
  const problem = describeError(
    create.error,
    { amount: "Enter an amount, like 120.00." },
    { amount: "Order amount" },
  );
  const amountMessage = amountError ?? problem?.fields.amount;
  const submit = (form: HTMLFormElement) => {
    const f = new FormData(form);
    const amount = String(f.get("amount") ?? "");
    const bad = amountProblem(amount);
    setAmountError(bad);
    if (bad) return;
    create.mutate({
      productCode: String(f.get("product")),
      paymentType: String(f.get("paymentType")) as (typeof PAYMENT_TYPES)[number],
      transactionType: String(f.get("transactionType")) as (typeof TRANSACTION_TYPES)[number],
      amount,
    });
  };
  return (
    <form
      aria-label="New order"
      noValidate
      className="grid grid-cols-1 gap-3 rounded border border-slate-200 bg-white p-3 sm:flex sm:flex-wrap sm:items-start"
      onSubmit={(e) => {
        e.preventDefault();
        submit(e.currentTarget);
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
      <div className="text-sm sm:w-40">
        <label htmlFor="order-amount">Order Amount (USD)</label>
        <input
          id="order-amount"
          name="amount"
          inputMode="decimal"
          placeholder="120.00"
          className={control}
          {...fieldProps("order-amount", amountMessage)}
          onChange={() => setAmountError(null)}
        />
        <FieldError id="order-amount-error" message={amountMessage} />
      </div>
      <button
        type="submit"
        disabled={create.isPending}
        className="rounded bg-brand-700 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-60 sm:mt-5"
      >
        Create order and pay
      </button>
      <div className="w-full">
        <FormError error={problem} onRetry={() => create.reset()} />
      </div>
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
  const queryClient = useQueryClient();
  const cancel = useMutation(
    trpc.orders.cancel.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.orders.list.queryKey() }),
    }),
  );
  const [unsubscribing, setUnsubscribing] = useState<NonNullable<typeof page>["items"][number] | null>(null);
  // A renewal already waiting for payment is offered again rather than a second one created.
  const pendingRenewal = new Map(
    (page?.items ?? [])
      .filter((o) => o.status === "Pending Payment" && o.renewalOfOrderId)
      .map((o) => [o.renewalOfOrderId as string, o.id]),
  );
  return (
    <section aria-labelledby="orders-h" className="rounded border border-slate-200 bg-white">
      <h2 id="orders-h" className="p-4 text-lg font-semibold">
        Your orders
      </h2>
      <div className="px-4">
        <FormError error={describeError(renew.error)} onRetry={() => renew.reset()} />
        <FormError error={describeError(cancel.error)} onRetry={() => cancel.reset()} />
      </div>
      <TableScroll label="Scrollable table of orders">
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
                  {o.status === "Pending Payment" && (
                    <button
                      type="button"
                      className="ml-3 text-blue-800 underline disabled:opacity-60"
                      aria-label={`Cancel order ${o.id}`}
                      disabled={cancel.isPending}
                      onClick={() => {
                        if (window.confirm(`Cancel order ${o.id}? It can no longer be paid.`))
                          cancel.mutate({ id: o.id });
                      }}
                    >
                      {cancel.isPending && cancel.variables?.id === o.id ? "Cancelling…" : "Cancel"}
                    </button>
                  )}
                  {o.status === "Paid" &&
                    o.paymentType === "Subscription" &&
                    (pendingRenewal.get(o.id) ? (
                      <Link
                        href={`/orders/${pendingRenewal.get(o.id)}/pay`}
                        className="text-blue-800 underline"
                        aria-label={`Pay the renewal of order ${o.id} (${pendingRenewal.get(o.id)})`}
                      >
                        Pay renewal
                      </Link>
                    ) : (
                      <button
                        type="button"
                        className="text-blue-800 underline disabled:opacity-60"
                        aria-label={`Renew order ${o.id}`}
                        disabled={renew.isPending}
                        onClick={() => renew.mutate({ id: o.id })}
                      >
                        {renew.isPending && renew.variables?.id === o.id ? "Renewing…" : "Renew"}
                      </button>
                    ))}
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
      </TableScroll>
      <PageNav label="Order pages" pages={pages} nextCursor={page?.nextCursor} />
      {unsubscribing && (
        <UnsubscribeDialog
          key={unsubscribing.id}
          order={unsubscribing}
          timeZone={timeZone}
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
  refundMinor: number;
  currency: string;
  couponId: string | null;
  paymentType: string;
};

/**
 * Unsubscribe (R-REF-1..5) as a dialog in two steps: the amount (the refundable remainder by
 * default), then the split it would make (cash back; voucher part returned or not, under which
 * dated rule), then a second confirmation. The refund re-judges it all in its own transaction.
 */
function UnsubscribeDialog({
  order,
  timeZone,
  onClose,
}: {
  order: RefundableOrder;
  timeZone: string;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [key] = useState(() => crypto.randomUUID());
  const remainder = order.amountMinor - order.refundMinor;
  const [amount, setAmount] = useState(toDecimal(remainder));
  const [amountError, setAmountError] = useState<string | null>(null);
  const [reviewing, setReviewing] = useState<string | null>(null);
  const preview = useQuery({
    ...trpc.orders.refundPreview.queryOptions({ orderId: order.id, amount: reviewing ?? "0" }),
    enabled: reviewing !== null,
    retry: false,
  });
  const refund = useMutation(
    trpc.orders.refund.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.orders.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.coupons.pathKey() });
      },
    }),
  );
  const done = refund.data;
  const money = (m: number) => formatMoney(m, order.currency);
  const previewProblem = describeError(preview.error, {}, { amount: "Refund amount" });
  const refundProblem = describeError(refund.error, {}, { amount: "Refund amount" });
  const fieldMessage = amountError ?? previewProblem?.fields.amount ?? refundProblem?.fields.amount;
  const p = preview.data;
  const review = () => {
    let bad = amountProblem(amount);
    if (!bad && parseMoney(amount) > remainder)
      bad = `Enter at most ${money(remainder)}, the amount you can still get back.`;
    setAmountError(bad);
    if (!bad) setReviewing(amount.trim());
  };

  return (
    <Dialog title={`Unsubscribe order ${order.id}`} open onClose={onClose}>
      <p>
        Paid {money(order.amountMinor)}: {money(order.voucherMinor)} by voucher
        {order.couponId ? ` ${order.couponId}` : ""} and {money(order.cashMinor)} in cash. A refund is split
        in the same proportion. An order is unsubscribed once.
      </p>
      {done ? (
        <>
          <p role="status" className="rounded border border-green-200 bg-green-50 p-2 text-green-900">
            Refunded {money(done.refundMinor)}: {money(done.cashRefundedMinor)} in cash,{" "}
            {money(done.voucherReturnedMinor)}{" "}
            {done.returnedTo === "pool" ? "to the Coupon Quota Pool" : "back to the voucher"}
            {done.voucherForfeitedMinor > 0
              ? `; ${money(done.voucherForfeitedMinor)} of the voucher part is not returned`
              : ""}
            .
          </p>
          <button
            type="button"
            className="rounded bg-slate-800 px-3 py-1.5 font-medium text-white"
            onClick={onClose}
          >
            Close
          </button>
        </>
      ) : reviewing === null || (!p && !preview.isFetching) ? (
        <form
          noValidate
          aria-label="Choose the refund amount"
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            review();
          }}
        >
          <div>
            <label htmlFor="refund-amount" className="block font-medium">
              Refund amount ({order.currency})
            </label>
            <input
              id="refund-amount"
              inputMode="decimal"
              value={amount}
              onChange={(e) => {
                setAmount(e.target.value);
                setAmountError(null);
                setReviewing(null);
              }}
              className="mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1.5 sm:w-48"
              {...fieldProps("refund-amount", fieldMessage)}
            />
            <FieldError id="refund-amount-error" message={fieldMessage} />
            <p className="mt-1 text-xs text-slate-600">Up to {money(remainder)}.</p>
          </div>
          {!previewProblem?.fields.amount && (
            <FormError error={previewProblem} onRetry={() => void preview.refetch()} />
          )}
          <div className="flex flex-wrap gap-3">
            <button type="submit" className="rounded bg-blue-700 px-3 py-1.5 font-medium text-white">
              Review refund
            </button>
            <button type="button" className="rounded border border-slate-300 px-3 py-1.5" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      ) : !p ? (
        <p role="status">Working out the refund…</p>
      ) : (
        <div className="space-y-3">
          <dl
            aria-label="Refund split"
            className="grid grid-cols-[1fr_auto] gap-x-4 gap-y-1 rounded border border-slate-200 p-3"
          >
            <dt>Refund</dt>
            <dd className="text-right font-medium tabular-nums">{money(p.refundMinor)}</dd>
            <dt>Cash back to you</dt>
            <dd className="text-right tabular-nums">{money(p.cashMinor)}</dd>
            <dt>
              {p.returnedTo === "pool"
                ? "Voucher part, back to the Coupon Quota Pool"
                : `Voucher part, back to ${p.couponId ?? "the voucher"}`}
            </dt>
            <dd className="text-right tabular-nums">{money(p.voucherReturnedMinor)}</dd>
            {p.voucherForfeitedMinor > 0 && (
              <>
                <dt>Voucher part not returned</dt>
                <dd className="text-right tabular-nums">{money(p.voucherForfeitedMinor)}</dd>
              </>
            )}
          </dl>
          <p className="text-slate-700">
            {p.rule
              ? `Rule in force since ${formatDate(p.rule.effectiveFrom, timeZone)}: ${p.rule.description}`
              : p.kind === "pay_as_you_go"
                ? "Pay-as-you-go orders get the cash part back only; the voucher part is not returned."
                : "No refund rule covers this order: only the cash part is refunded."}
          </p>
          <FormError error={refundProblem?.message ? refundProblem : null} onRetry={() => refund.reset()} />
          <div className="flex flex-wrap gap-3">
            <button
              type="button"
              disabled={refund.isPending}
              className="rounded bg-blue-700 px-3 py-1.5 font-medium text-white disabled:opacity-60"
              onClick={() => refund.mutate({ orderId: order.id, amount: reviewing, idempotencyKey: key })}
            >
              {refund.isPending ? "Refunding…" : `Confirm refund of ${money(p.refundMinor)}`}
            </button>
            <button
              type="button"
              className="rounded border border-slate-300 px-3 py-1.5"
              onClick={() => setReviewing(null)}
            >
              Change amount
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
