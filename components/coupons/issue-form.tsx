"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { PAYMENT_TYPES, TRANSACTION_TYPES } from "@/server/vouchers/schema";
import { ApplicabilityFields } from "@/components/coupons/applicability-fields";
import { useTRPC } from "@/trpc/client";

const input = "mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1.5 text-sm";
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const inDays = (n: number) => new Date(Date.now() + 8 * 3600_000 + n * 86_400_000).toISOString().slice(0, 10);

/** Direct issuance with every field of R-VOU-1. One idempotency key per form fill: a double submit issues once. */
export function IssueForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { data: accounts } = useSuspenseQuery(trpc.operator.accounts.queryOptions());
  const { data: products } = useSuspenseQuery(trpc.catalog.products.queryOptions());
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [type, setType] = useState<"Cash Coupon" | "Discount Coupon">("Cash Coupon");
  const issue = useMutation(
    trpc.operator.issue.mutationOptions({
      onSuccess: () => {
        setKey(crypto.randomUUID());
        void queryClient.invalidateQueries({ queryKey: trpc.operator.accounts.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.coupons.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.coupons.totals.pathKey() });
      },
    }),
  );
  const fieldErrors = (issue.error?.data as { fieldErrors?: Record<string, string[]> } | undefined)
    ?.fieldErrors;

  return (
    <form
      className="max-w-3xl space-y-4 rounded border border-slate-200 bg-white p-4"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const all = (name: string) => f.getAll(name).map(String);
        issue.mutate({
          accountId: String(f.get("accountId")),
          couponType: type,
          nominal: String(f.get("nominal")),
          discountPercent: type === "Discount Coupon" ? Number(f.get("discountPercent")) : undefined,
          commodities: all("commodities"),
          scopes: all("scopes") as (typeof TRANSACTION_TYPES)[number][],
          paymentTypes: all("paymentTypes") as (typeof PAYMENT_TYPES)[number][],
          minOrder: String(f.get("minOrder") || "0"),
          effectiveFrom: String(f.get("effectiveFrom")),
          expiresOn: String(f.get("expiresOn")),
          description: String(f.get("description") ?? ""),
          idempotencyKey: key,
        });
      }}
    >
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
        <label className="text-sm">
          Account
          <select name="accountId" required className={input}>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} (UID {a.id}, {a.coupons} coupons)
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          Coupon Type
          <select className={input} value={type} onChange={(e) => setType(e.target.value as typeof type)}>
            <option>Cash Coupon</option>
            <option>Discount Coupon</option>
          </select>
        </label>
        <label className="text-sm">
          {type === "Cash Coupon" ? "Nominal value" : "Discount cap"} (e.g. 100.00)
          <input name="nominal" required inputMode="decimal" className={input} />
        </label>
        {type === "Discount Coupon" && (
          <label className="text-sm">
            Percent off
            <input name="discountPercent" type="number" min={1} max={99} required className={input} />
          </label>
        )}
        <label className="text-sm">
          Limit on order amount (0 = none)
          <input name="minOrder" defaultValue="0" inputMode="decimal" className={input} />
        </label>
        <label className="text-sm">
          Effective from (UTC+8)
          <input name="effectiveFrom" type="date" required defaultValue={today()} className={input} />
        </label>
        <label className="text-sm">
          Expires at the end of (UTC+8)
          <input name="expiresOn" type="date" required defaultValue={inDays(90)} className={input} />
        </label>
        <label className="text-sm sm:col-span-2">
          Description
          <input name="description" maxLength={200} className={input} />
        </label>
      </div>
      <ApplicabilityFields products={products} />
      {issue.error && (
        <div role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          <p>{issue.error.message}</p>
          {fieldErrors && (
            <ul className="mt-1 list-disc pl-5">
              {Object.entries(fieldErrors).map(([k, v]) => (
                <li key={k}>
                  {k}: {v.join(", ")}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {issue.data && (
        <p role="status" className="rounded border border-green-200 bg-green-50 p-3 text-sm text-green-900">
          Issued{" "}
          <Link className="font-mono underline" href={`/coupons/${issue.data.id}`}>
            {issue.data.id}
          </Link>
          .
        </p>
      )}
      <button
        type="submit"
        disabled={issue.isPending}
        className="rounded bg-brand-700 px-4 py-2 text-sm font-medium text-white disabled:opacity-60"
      >
        {issue.isPending ? "Issuing…" : "Issue voucher"}
      </button>
    </form>
  );
}
