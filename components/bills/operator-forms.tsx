"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useId } from "react";
import { useTranslations } from "next-intl";
import { useDescribeError } from "@/lib/errors";
import { isoDay, wallTimeToIso } from "@/lib/format";
import { useFormat } from "@/lib/use-format";
import { useTRPC } from "@/trpc/client";

const input = "mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1.5 text-sm";
/** "YYYY-MM-DDTHH:mm" of an instant in the user's zone (typed times are read in it, R-TZ-1). */
const localMinute = (at: number, timeZone: string) => {
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  return `${isoDay(new Date(at), timeZone)}T${time.format(new Date(at))}`;
};
/** Last month as "YYYY-MM" in the user's zone: the cycle an operator usually closes. */
const lastMonth = (timeZone: string) => {
  const [y = 0, m = 1] = isoDay(new Date(), timeZone).split("-").map(Number);
  return new Date(Date.UTC(y, m - 2, 1)).toISOString().slice(0, 7);
};

/** What each field must hold (keys of the `operator` catalog): shown instead of the validator's text. */
const FIELD_SENTENCES: Record<string, string> = {
  accountId: "fieldAccount",
  productCode: "fieldProduct",
  amount: "fieldAmount",
  usageAt: "fieldUsageAt",
  description: "fieldDescription",
  cycle: "fieldCycle",
};

type ErrorLike = { message: string; data?: unknown } | null;

/** A server refusal as sentences in the viewer's language: validation errors per field, else the error's code. */
function useErrorSentences() {
  const t = useTranslations("operator");
  const f = useFormat();
  const describe = useDescribeError();
  return (error: ErrorLike): string[] => {
    if (!error) return [];
    const fieldErrors = (error.data as { fieldErrors?: Record<string, string[] | undefined> } | undefined)
      ?.fieldErrors;
    const fields = Object.keys(fieldErrors ?? {}).filter((k) => fieldErrors?.[k]?.length);
    if (fields.length) return fields.map((k) => t(FIELD_SENTENCES[k] ?? "fieldOther", { zone: f.timeZone }));
    return [describe(error)?.message ?? ""].filter(Boolean);
  };
}

function FormError({ error }: { error: ErrorLike }) {
  const sentences = useErrorSentences()(error);
  if (!sentences.length) return null;
  return (
    <div role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-800">
      {sentences.length === 1 ? (
        <p>{sentences[0]}</p>
      ) : (
        <ul className="list-disc pl-5">
          {sentences.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The operator's "Record usage" (R-PAYG-1): one metered line on the account's bill for that month. */
export function RecordUsageForm() {
  const trpc = useTRPC();
  const t = useTranslations("operator");
  const l = useTranslations("products");
  const fmt = useFormat();
  const queryClient = useQueryClient();
  const { data: accounts } = useSuspenseQuery(trpc.operator.accounts.queryOptions());
  const { data: products } = useSuspenseQuery(trpc.catalog.products.queryOptions());
  const id = useId();
  const record = useMutation(
    trpc.bills.recordUsage.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.bills.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.bills.get.pathKey() });
      },
    }),
  );
  const done = record.data;
  const currency = accounts.find((a) => a.id === record.variables?.accountId)?.currency ?? "USD";
  return (
    <form
      aria-labelledby="record-usage-h"
      className="max-w-3xl space-y-4 rounded border border-slate-200 bg-white p-4"
      onSubmit={(e) => {
        e.preventDefault();
        const zone = fmt.timeZone;
        const f = new FormData(e.currentTarget);
        record.mutate({
          accountId: String(f.get("accountId")),
          productCode: String(f.get("productCode")),
          amount: String(f.get("amount")).trim(),
          usageAt: wallTimeToIso(String(f.get("usageAt")), zone),
          description: String(f.get("lineText") ?? ""),
        });
      }}
    >
      <div>
        <h2 id="record-usage-h" className="text-lg font-semibold">
          {t("recordTitle")}
        </h2>
        <p className="mt-1 text-sm text-slate-700">{t("recordIntro")}</p>
      </div>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <div className="text-sm">
          <label htmlFor={`${id}-accountId`}>{t("customerUid")}</label>
          <select id={`${id}-accountId`} name="accountId" required className={input}>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.id} ({a.name})
              </option>
            ))}
          </select>
        </div>
        <div className="text-sm">
          <label htmlFor={`${id}-productCode`}>{t("product")}</label>
          <select id={`${id}-productCode`} name="productCode" required className={input}>
            {products.map((p) => (
              <option key={p.code} value={p.code}>
                {l.has(p.code) ? l(p.code) : p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="text-sm">
          <label htmlFor={`${id}-amount`}>{t("amount")}</label>
          <input
            id={`${id}-amount`}
            name="amount"
            required
            inputMode="decimal"
            pattern="\d+(\.\d{1,2})?"
            title={t("amountTitle")}
            placeholder="12.50"
            className={input}
          />
        </div>
        <div className="text-sm">
          <label htmlFor={`${id}-usageAt`}>{t("usageTime", { zone: fmt.timeZone })}</label>
          <input
            id={`${id}-usageAt`}
            name="usageAt"
            type="datetime-local"
            required
            defaultValue={localMinute(Date.now() - 60_000, fmt.timeZone)}
            className={input}
          />
        </div>
        <div className="text-sm sm:col-span-2">
          <label htmlFor={`${id}-lineText`}>{t("lineText")}</label>
          <input
            id={`${id}-lineText`}
            name="lineText"
            maxLength={200}
            className={input}
            placeholder={t("lineTextPlaceholder")}
          />
        </div>
      </div>
      <FormError error={record.error} />
      {done && (
        <p role="status" className="rounded border border-green-200 bg-green-50 p-3 text-sm text-green-900">
          {t.rich("recorded", {
            amount: fmt.money(done.amountMinor, currency),
            billId: done.billId,
            link: (chunks) => (
              <Link className="font-mono underline" href={`/bills/${done.billId}`}>
                {chunks}
              </Link>
            ),
            cycle: done.cycle,
          })}
        </p>
      )}
      <button
        type="submit"
        disabled={record.isPending}
        className="rounded bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60"
      >
        {record.isPending ? t("recording") : t("recordTitle")}
      </button>
    </form>
  );
}

/**
 * Close a billing cycle (R-PAYG-1): every open bill of the month, one bill at a time; vouchers pay the
 * lines by priority. Running it again changes nothing.
 */
export function CloseCycleForm() {
  const trpc = useTRPC();
  const t = useTranslations("operator");
  const fmt = useFormat();
  const describe = useDescribeError();
  const queryClient = useQueryClient();
  const id = useId();
  const close = useMutation(
    trpc.bills.closeCycle.mutationOptions({
      onSuccess: () => {
        // Bills closed, vouchers spent, invoiceable amounts known: those views only.
        void queryClient.invalidateQueries({ queryKey: trpc.bills.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.bills.get.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.invoices.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.coupons.pathKey() });
      },
    }),
  );
  const r = close.data;
  return (
    <form
      aria-labelledby="close-cycle-h"
      className="max-w-3xl space-y-4 rounded border border-slate-200 bg-white p-4"
      onSubmit={(e) => {
        e.preventDefault();
        close.mutate({ cycle: String(new FormData(e.currentTarget).get("cycle")) });
      }}
    >
      <div>
        <h2 id="close-cycle-h" className="text-lg font-semibold">
          {t("closeTitle")}
        </h2>
        <p className="mt-1 text-sm text-slate-700">{t("closeIntro")}</p>
      </div>
      <div className="block max-w-xs text-sm">
        <label htmlFor={`${id}-cycle`}>{t("cycle")}</label>
        <input
          id={`${id}-cycle`}
          name="cycle"
          type="month"
          required
          pattern="\d{4}-\d{2}"
          defaultValue={lastMonth(fmt.timeZone)}
          className={input}
        />
      </div>
      <FormError error={close.error} />
      {r && (
        <div role="status" className="rounded border border-green-200 bg-green-50 p-3 text-sm text-green-900">
          <p className="font-medium">{t("cycleResult", { cycle: r.cycle })}</p>
          <ul className="mt-1 list-disc pl-5">
            <li>{t("closedCount", { count: r.closed })}</li>
            <li>{t("alreadyClosed", { count: r.alreadyClosed })}</li>
            <li>{t("refused", { count: r.refused.length })}</li>
          </ul>
          {r.refused.length > 0 && (
            <ul className="mt-2 list-disc pl-5 text-red-800">
              {r.refused.map((x) => (
                <li key={x.billId}>
                  <span className="font-mono">{x.billId}</span>:{" "}
                  {describe({
                    message: x.message,
                    data: {
                      code: "CONFLICT",
                      domainCode: "CONFLICT",
                      reason: (x as { reason?: string }).reason,
                      params: (x as { params?: Record<string, unknown> }).params,
                    },
                  })?.message ?? x.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <button
        type="submit"
        disabled={close.isPending}
        className="rounded bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60"
      >
        {close.isPending ? t("closing") : t("closeButton")}
      </button>
    </form>
  );
}
