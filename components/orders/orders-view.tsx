"use client";

import { TableScroll } from "@/components/ui/table-scroll";
import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTranslations } from "next-intl";
import { useFormat } from "@/lib/use-format";
import { useLabels } from "@/lib/use-labels";
import { parseMoney, toDecimal } from "@/server/money";
import { PAYMENT_TYPES, TRANSACTION_TYPES } from "@/server/vouchers/schema";
import { PageNav, useCursorStack } from "@/components/ui/cursor-pages";
import { Dialog } from "@/components/ui/dialog";
import { FieldError, FormError, fieldProps } from "@/components/ui/errors";
import { amountProblem, useDescribeError } from "@/lib/errors";
import { useTRPC } from "@/trpc/client";

const control = "mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1.5 text-sm";

/** A small catalog purchase: product, payment type, transaction type, amount → the payment page. */
export function NewOrderForm() {
  const trpc = useTRPC();
  const t = useTranslations("orders");
  const tf = useTranslations("forms");
  const l = useLabels();
  const describeError = useDescribeError();
  const router = useRouter();
  const { data: products } = useSuspenseQuery(trpc.catalog.products.queryOptions());
  const [amountError, setAmountError] = useState<string | null>(null);
  const create = useMutation(
    trpc.orders.create.mutationOptions({ onSuccess: (o) => router.push(`/orders/${o.id}/pay`) }),
  );
  const problem = describeError(create.error, { amount: "orderAmountHint" }, { orderAmount: "amount" });
  const amountMessage = amountError ?? problem?.fields.amount;
  const submit = (form: HTMLFormElement) => {
    const f = new FormData(form);
    const amount = String(f.get("amount") ?? "");
    const bad = amountProblem(amount);
    setAmountError(bad && tf(bad));
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
      aria-label={t("newOrder")}
      noValidate
      className="grid grid-cols-1 gap-3 rounded border border-slate-200 bg-white p-3 sm:flex sm:flex-wrap sm:items-start"
      onSubmit={(e) => {
        e.preventDefault();
        submit(e.currentTarget);
      }}
    >
      <h2 className="w-full text-lg font-semibold">{t("buy")}</h2>
      <label className="text-sm">
        {t("product")}
        <select name="product" className={control}>
          {products.map((p) => (
            <option key={p.code} value={p.code}>
              {l.product(p.code, p.name)}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm">
        {t("paymentType")}
        <select name="paymentType" className={control}>
          {PAYMENT_TYPES.map((v) => (
            <option key={v} value={v}>
              {l.paymentType(v)}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm">
        {t("transactionType")}
        <select name="transactionType" className={control}>
          {TRANSACTION_TYPES.map((v) => (
            <option key={v} value={v}>
              {l.transactionType(v)}
            </option>
          ))}
        </select>
      </label>
      <div className="text-sm sm:w-40">
        <label htmlFor="order-amount">{t("orderAmount", { currency: "USD" })}</label>
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
        {t("createAndPay")}
      </button>
      <div className="w-full">
        <FormError error={problem} onRetry={() => create.reset()} />
      </div>
    </form>
  );
}

export function OrdersTable() {
  const trpc = useTRPC();
  const t = useTranslations("orders");
  const f = useFormat();
  const l = useLabels();
  const describeError = useDescribeError();
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
        {t("yourOrders")}
      </h2>
      <div className="px-4">
        <FormError error={describeError(renew.error)} onRetry={() => renew.reset()} />
        <FormError error={describeError(cancel.error)} onRetry={() => cancel.reset()} />
      </div>
      <TableScroll label={t("scrollTable")}>
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">{t("caption")}</caption>
          <thead className="bg-slate-100 text-xs uppercase text-slate-700">
            <tr>
              <th scope="col" className="px-3 py-2">
                {t("colId")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("colProduct")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("colType")}
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                {t("colAmount")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("colStatus")}
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                {t("colVoucher")}
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                {t("colCash")}
              </th>
              <th scope="col" className="px-3 py-2 text-right">
                {t("colInvoiceable")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("colCreated")}
              </th>
              <th scope="col" className="px-3 py-2">
                {t("colActions")}
              </th>
            </tr>
          </thead>
          <tbody>
            {page?.items.map((o) => (
              <tr key={o.id} className="border-t border-slate-100">
                <td className="px-3 py-2 font-mono">{o.id}</td>
                <td className="px-3 py-2">{l.product(o.productCode, o.productName)}</td>
                <td className="px-3 py-2">
                  {l.paymentType(o.paymentType)} · {l.transactionType(o.transactionType)}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{f.money(o.amountMinor, o.currency)}</td>
                <td className="px-3 py-2">
                  {l.orderStatus(o.status)}
                  {o.refundMinor > 0 && (
                    <span className="block text-xs text-slate-600">
                      {t("refundedLine", {
                        refund: f.money(o.refundMinor, o.currency),
                        cash: f.money(o.cashRefundedMinor, o.currency),
                        voucher: f.money(o.voucherReturnedMinor, o.currency),
                      })}
                    </span>
                  )}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">
                  {o.couponId ? (
                    <Link href={`/coupons/${o.couponId}`} className="text-blue-800 underline">
                      {f.money(o.voucherMinor, o.currency)}
                    </Link>
                  ) : (
                    f.money(o.voucherMinor, o.currency)
                  )}
                </td>
                <td className="px-3 py-2 text-right tabular-nums">{f.money(o.cashMinor, o.currency)}</td>
                <td className="px-3 py-2 text-right tabular-nums">
                  {f.money(o.invoiceableMinor, o.currency)}
                </td>
                <td className="whitespace-nowrap px-3 py-2 tabular-nums">{f.dateTime(o.createdAt)}</td>
                <td className="whitespace-nowrap px-3 py-2">
                  {o.status === "Pending Payment" && (
                    <Link
                      href={`/orders/${o.id}/pay`}
                      className="text-blue-800 underline"
                      aria-label={t("payOrder", { id: o.id })}
                    >
                      {t("pay")}
                    </Link>
                  )}
                  {o.status === "Pending Payment" && (
                    <button
                      type="button"
                      className="ml-3 text-blue-800 underline disabled:opacity-60"
                      aria-label={t("cancelOrder", { id: o.id })}
                      disabled={cancel.isPending}
                      onClick={() => {
                        if (window.confirm(t("confirmCancel", { id: o.id }))) cancel.mutate({ id: o.id });
                      }}
                    >
                      {cancel.isPending && cancel.variables?.id === o.id ? t("cancelling") : t("cancel")}
                    </button>
                  )}
                  {o.status === "Paid" &&
                    o.paymentType === "Subscription" &&
                    (pendingRenewal.get(o.id) ? (
                      <Link
                        href={`/orders/${pendingRenewal.get(o.id)}/pay`}
                        className="text-blue-800 underline"
                        aria-label={t("payRenewalOf", { id: o.id, renewal: pendingRenewal.get(o.id) ?? "" })}
                      >
                        {t("payRenewal")}
                      </Link>
                    ) : (
                      <button
                        type="button"
                        className="text-blue-800 underline disabled:opacity-60"
                        aria-label={t("renewOrder", { id: o.id })}
                        disabled={renew.isPending}
                        onClick={() => renew.mutate({ id: o.id })}
                      >
                        {renew.isPending && renew.variables?.id === o.id ? t("renewing") : t("renew")}
                      </button>
                    ))}
                  {o.status === "Paid" && (
                    <button
                      type="button"
                      className="ml-3 text-blue-800 underline"
                      aria-label={t("unsubscribeOrder", { id: o.id })}
                      onClick={() => setUnsubscribing(o)}
                    >
                      {t("unsubscribe")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {page?.items.length === 0 && <p className="p-8 text-center text-sm">{t("noOrders")}</p>}
        {page === undefined && (
          <p role="status" className="p-4 text-sm">
            {t("loadingShort")}
          </p>
        )}
      </TableScroll>
      <PageNav label={t("orderPages")} pages={pages} nextCursor={page?.nextCursor} />
      {unsubscribing && (
        <UnsubscribeDialog
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
function UnsubscribeDialog({ order, onClose }: { order: RefundableOrder; onClose: () => void }) {
  const trpc = useTRPC();
  const t = useTranslations("orders");
  const tf = useTranslations("forms");
  const f = useFormat();
  const describeError = useDescribeError();
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
  const money = (m: number) => f.money(m, order.currency);
  const previewProblem = describeError(preview.error, {}, { refund: "amount" });
  const refundProblem = describeError(refund.error, {}, { refund: "amount" });
  const fieldMessage = amountError ?? previewProblem?.fields.amount ?? refundProblem?.fields.amount;
  const p = preview.data;
  const review = () => {
    const problem = amountProblem(amount);
    let bad = problem && tf(problem);
    if (!bad && parseMoney(amount) > remainder) bad = t("atMostRemainder", { amount: money(remainder) });
    setAmountError(bad);
    if (!bad) setReviewing(amount.trim());
  };

  return (
    <Dialog title={t("dialogTitle", { id: order.id })} open onClose={onClose}>
      <p>
        {t("paidSplit", {
          amount: money(order.amountMinor),
          voucher: money(order.voucherMinor),
          couponId: order.couponId ?? "none",
          cash: money(order.cashMinor),
        })}
      </p>
      {done ? (
        <>
          <p role="status" className="rounded border border-green-200 bg-green-50 p-2 text-green-900">
            {t("refundedDone", {
              refund: money(done.refundMinor),
              cash: money(done.cashRefundedMinor),
              voucher: money(done.voucherReturnedMinor),
              to: done.returnedTo === "pool" ? "pool" : "voucher",
              forfeited: done.voucherForfeitedMinor > 0 ? money(done.voucherForfeitedMinor) : "none",
            })}
          </p>
          <button
            type="button"
            className="rounded bg-slate-800 px-3 py-1.5 font-medium text-white"
            onClick={onClose}
          >
            {t("close")}
          </button>
        </>
      ) : reviewing === null || (!p && !preview.isFetching) ? (
        <form
          noValidate
          aria-label={t("chooseAmount")}
          className="space-y-3"
          onSubmit={(e) => {
            e.preventDefault();
            review();
          }}
        >
          <div>
            <label htmlFor="refund-amount" className="block font-medium">
              {t("refundAmount", { currency: order.currency })}
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
            <p className="mt-1 text-xs text-slate-600">{t("upTo", { amount: money(remainder) })}</p>
          </div>
          {!previewProblem?.fields.amount && (
            <FormError error={previewProblem} onRetry={() => void preview.refetch()} />
          )}
          <div className="flex flex-wrap gap-3">
            <button type="submit" className="rounded bg-blue-700 px-3 py-1.5 font-medium text-white">
              {t("reviewRefund")}
            </button>
            <button type="button" className="rounded border border-slate-300 px-3 py-1.5" onClick={onClose}>
              {t("cancel")}
            </button>
          </div>
        </form>
      ) : !p ? (
        <p role="status">{t("workingOut")}</p>
      ) : (
        <div className="space-y-3">
          <dl
            aria-label={t("refundSplit")}
            className="grid grid-cols-[1fr_auto] gap-x-4 gap-y-1 rounded border border-slate-200 p-3"
          >
            <dt>{t("refund")}</dt>
            <dd className="text-right font-medium tabular-nums">{money(p.refundMinor)}</dd>
            <dt>{t("cashBack")}</dt>
            <dd className="text-right tabular-nums">{money(p.cashMinor)}</dd>
            <dt>
              {p.returnedTo === "pool"
                ? t("voucherBackPool")
                : p.couponId
                  ? t("voucherBackTo", { couponId: p.couponId })
                  : t("voucherBack")}
            </dt>
            <dd className="text-right tabular-nums">{money(p.voucherReturnedMinor)}</dd>
            {p.voucherForfeitedMinor > 0 && (
              <>
                <dt>{t("voucherNotReturned")}</dt>
                <dd className="text-right tabular-nums">{money(p.voucherForfeitedMinor)}</dd>
              </>
            )}
          </dl>
          <p className="text-slate-700">
            {p.rule
              ? t("ruleSince", {
                  date: f.dateTime(p.rule.effectiveFrom),
                  rule: t("ruleText", { kind: p.kind, mode: p.rule.mode }),
                })
              : p.kind === "pay_as_you_go"
                ? t("paygNoReturn")
                : t("noRule")}
          </p>
          <FormError error={refundProblem?.message ? refundProblem : null} onRetry={() => refund.reset()} />
          <div className="flex flex-wrap gap-3">
            <button
              type="button"
              disabled={refund.isPending}
              className="rounded bg-blue-700 px-3 py-1.5 font-medium text-white disabled:opacity-60"
              onClick={() => refund.mutate({ orderId: order.id, amount: reviewing, idempotencyKey: key })}
            >
              {refund.isPending ? t("refunding") : t("confirmRefund", { amount: money(p.refundMinor) })}
            </button>
            <button
              type="button"
              className="rounded border border-slate-300 px-3 py-1.5"
              onClick={() => setReviewing(null)}
            >
              {t("changeAmount")}
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
