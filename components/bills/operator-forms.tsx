"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useId } from "react";
import { formatMoney } from "@/lib/format";
import { useTRPC } from "@/trpc/client";

const input = "mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1.5 text-sm";
const UTC8 = 8 * 3_600_000;

/** "YYYY-MM-DDTHH:mm" of an instant as read in UTC+8 (the form's zone). */
const utc8Minute = (at: number) => new Date(at + UTC8).toISOString().slice(0, 16);
/** Last month as "YYYY-MM" in UTC+8: the cycle an operator usually closes. */
const lastMonth = () => {
  const d = new Date(Date.now() + UTC8);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
};
/** A datetime-local value read as UTC+8 → ISO-8601 with its offset (what the server expects). */
export const utc8ToIso = (local: string) => `${local.length === 16 ? `${local}:00` : local}+08:00`;

/** What each field must hold, worded for people: shown instead of the validator's text. */
const FIELD_SENTENCES: Record<string, string> = {
  accountId: "Choose the customer account the usage belongs to.",
  productCode: "Choose a product from the catalog.",
  amount: "Enter the amount as a number with up to two decimals, for example 12.50.",
  usageAt: "Enter when the usage happened: a date and time in UTC+8.",
  description: "Keep the line text to 200 characters or fewer.",
  cycle: "Enter the billing cycle as a month, for example 2026-05.",
};

type ErrorLike = { message: string; data?: unknown } | null;

/** A server refusal as sentences: domain errors are already worded; validation errors are per field. */
function errorSentences(error: ErrorLike): string[] {
  if (!error) return [];
  const fieldErrors = (error.data as { fieldErrors?: Record<string, string[] | undefined> } | undefined)
    ?.fieldErrors;
  const fields = Object.keys(fieldErrors ?? {}).filter((k) => fieldErrors?.[k]?.length);
  if (fields.length) return fields.map((k) => FIELD_SENTENCES[k] ?? "One of the fields is not valid.");
  return [error.message];
}

function FormError({ error }: { error: ErrorLike }) {
  const sentences = errorSentences(error);
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
        const f = new FormData(e.currentTarget);
        record.mutate({
          accountId: String(f.get("accountId")),
          productCode: String(f.get("productCode")),
          amount: String(f.get("amount")).trim(),
          usageAt: utc8ToIso(String(f.get("usageAt"))),
          description: String(f.get("lineText") ?? ""),
        });
      }}
    >
      <div>
        <h2 id="record-usage-h" className="text-lg font-semibold">
          Record usage
        </h2>
        <p className="mt-1 text-sm text-slate-700">
          Adds one pay-as-you-go line to the customer's bill for the month the usage falls in. A closed
          billing cycle takes no more usage.
        </p>
      </div>
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <div className="text-sm">
          <label htmlFor={`${id}-accountId`}>Customer UID</label>
          <select id={`${id}-accountId`} name="accountId" required className={input}>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.id} ({a.name})
              </option>
            ))}
          </select>
        </div>
        <div className="text-sm">
          <label htmlFor={`${id}-productCode`}>Product</label>
          <select id={`${id}-productCode`} name="productCode" required className={input}>
            {products.map((p) => (
              <option key={p.code} value={p.code}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="text-sm">
          <label htmlFor={`${id}-amount`}>Amount</label>
          <input
            id={`${id}-amount`}
            name="amount"
            required
            inputMode="decimal"
            pattern="\d+(\.\d{1,2})?"
            title="A number with up to two decimals, for example 12.50"
            placeholder="12.50"
            className={input}
          />
        </div>
        <div className="text-sm">
          <label htmlFor={`${id}-usageAt`}>Usage time (UTC+8)</label>
          <input
            id={`${id}-usageAt`}
            name="usageAt"
            type="datetime-local"
            required
            defaultValue={utc8Minute(Date.now() - 60_000)}
            className={input}
          />
        </div>
        <div className="text-sm sm:col-span-2">
          <label htmlFor={`${id}-lineText`}>Line text (shown on the bill)</label>
          <input
            id={`${id}-lineText`}
            name="lineText"
            maxLength={200}
            className={input}
            placeholder="ECS metered usage, 1 day"
          />
        </div>
      </div>
      <FormError error={record.error} />
      {done && (
        <p role="status" className="rounded border border-green-200 bg-green-50 p-3 text-sm text-green-900">
          Recorded {formatMoney(done.amountMinor, currency)} on bill{" "}
          <Link className="font-mono underline" href={`/bills/${done.billId}`}>
            {done.billId}
          </Link>{" "}
          (billing cycle {done.cycle}).
        </p>
      )}
      <button
        type="submit"
        disabled={record.isPending}
        className="rounded bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60"
      >
        {record.isPending ? "Recording…" : "Record usage"}
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
          Close a billing cycle
        </h2>
        <p className="mt-1 text-sm text-slate-700">
          Closes every open bill of the month once the month is over: the customers' applicable vouchers pay
          the lines in priority order, the rest is due in cash. Closing a cycle again changes nothing.
        </p>
      </div>
      <div className="block max-w-xs text-sm">
        <label htmlFor={`${id}-cycle`}>Billing cycle (YYYY-MM)</label>
        <input
          id={`${id}-cycle`}
          name="cycle"
          type="month"
          required
          pattern="\d{4}-\d{2}"
          defaultValue={lastMonth()}
          className={input}
        />
      </div>
      <FormError error={close.error} />
      {r && (
        <div role="status" className="rounded border border-green-200 bg-green-50 p-3 text-sm text-green-900">
          <p className="font-medium">Billing cycle {r.cycle}</p>
          <ul className="mt-1 list-disc pl-5">
            <li>
              {r.closed} {r.closed === 1 ? "bill" : "bills"} closed
            </li>
            <li>{r.alreadyClosed} already closed</li>
            <li>{r.refused.length} refused</li>
          </ul>
          {r.refused.length > 0 && (
            <ul className="mt-2 list-disc pl-5 text-red-800">
              {r.refused.map((x) => (
                <li key={x.billId}>
                  <span className="font-mono">{x.billId}</span>: {x.message}
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
        {close.isPending ? "Closing…" : "Close billing cycle"}
      </button>
    </form>
  );
}
