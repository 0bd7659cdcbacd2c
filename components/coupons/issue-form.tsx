"use client";

import { useMutation, useQueryClient, useSuspenseQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { PAYMENT_TYPES, TRANSACTION_TYPES } from "@/server/vouchers/schema";
import { ApplicabilityFields } from "@/components/coupons/applicability-fields";
import { FieldError, FormError, fieldProps } from "@/components/ui/errors";
import { useTranslations } from "next-intl";
import { useDescribeError } from "@/lib/errors";
import { isoDay } from "@/lib/format";
import { useFormat } from "@/lib/use-format";
import { VOUCHER_FIELD_HINTS, VOUCHER_FIELD_OF, voucherFormProblems } from "@/lib/voucher-form";
import { useTRPC } from "@/trpc/client";

const input = "mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1.5 text-sm";
/** Today and a day n days on, in the user's zone (where the typed days are read, R-TZ-1). */
const inDays = (n: number, timeZone: string) => isoDay(new Date(Date.now() + n * 86_400_000), timeZone);

/** Direct issuance with every field of R-VOU-1. One idempotency key per form fill: a double submit issues once. */
export function IssueForm() {
  const trpc = useTRPC();
  const t = useTranslations("voucherForm");
  const tf = useTranslations("forms");
  const tEnum = useTranslations("enums.couponType");
  const f = useFormat();
  const describeError = useDescribeError();
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
  const [problems, setProblems] = useState<Record<string, string>>({});
  const server = describeError(issue.error, VOUCHER_FIELD_HINTS, VOUCHER_FIELD_OF);
  const word = (k: string) => (tf.has(k) ? tf(k) : k);
  const errors: Record<string, string> = {
    ...(server?.fields ?? {}),
    ...Object.fromEntries(Object.entries(problems).map(([k, v]) => [k, word(v)])),
  };
  const err = (name: string) => ({ ...fieldProps(`issue-${name}`, errors[name]), id: `issue-${name}` });
  const clear = (name: string) => () => setProblems(({ [name]: _gone, ...rest }) => rest);

  return (
    <form
      className="max-w-3xl space-y-4 rounded border border-slate-200 bg-white p-4"
      noValidate
      aria-label={t("issueForm")}
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const all = (name: string) => f.getAll(name).map(String);
        const found = voucherFormProblems(f, { amount: "nominal", percent: type === "Discount Coupon" });
        if (!String(f.get("accountId") ?? "")) found.accountId = "accountId";
        setProblems(found);
        issue.reset();
        if (Object.keys(found).length > 0) return;
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
        <div className="text-sm">
          <label htmlFor="issue-accountId">{t("account")}</label>
          <select
            name="accountId"
            defaultValue=""
            className={input}
            {...err("accountId")}
            onChange={clear("accountId")}
          >
            <option value="" disabled>
              {t("chooseAccount")}
            </option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {t("accountOption", { name: a.name, id: a.id, count: a.coupons })}
              </option>
            ))}
          </select>
          <FieldError id="issue-accountId-error" message={errors.accountId} />
        </div>
        <label className="text-sm">
          {t("couponType")}
          <select className={input} value={type} onChange={(e) => setType(e.target.value as typeof type)}>
            <option value="Cash Coupon">{tEnum("Cash Coupon")}</option>
            <option value="Discount Coupon">{tEnum("Discount Coupon")}</option>
          </select>
        </label>
        <div className="text-sm">
          <label htmlFor="issue-nominal">{type === "Cash Coupon" ? t("nominal") : t("discountCap")}</label>
          <input
            name="nominal"
            inputMode="decimal"
            className={input}
            {...err("nominal")}
            onChange={clear("nominal")}
          />
          <FieldError id="issue-nominal-error" message={errors.nominal} />
        </div>
        {type === "Discount Coupon" && (
          <div className="text-sm">
            <label htmlFor="issue-discountPercent">{t("percentOff")}</label>
            <input
              name="discountPercent"
              inputMode="numeric"
              className={input}
              {...err("discountPercent")}
              onChange={clear("discountPercent")}
            />
            <FieldError id="issue-discountPercent-error" message={errors.discountPercent} />
          </div>
        )}
        <div className="text-sm">
          <label htmlFor="issue-minOrder">{t("minOrder")}</label>
          <input
            name="minOrder"
            defaultValue="0"
            inputMode="decimal"
            className={input}
            {...err("minOrder")}
            onChange={clear("minOrder")}
          />
          <FieldError id="issue-minOrder-error" message={errors.minOrder} />
        </div>
        <div className="text-sm">
          <label htmlFor="issue-effectiveFrom">{t("effectiveFrom", { zone: f.timeZone })}</label>
          <input
            name="effectiveFrom"
            type="date"
            defaultValue={inDays(0, f.timeZone)}
            className={input}
            {...err("effectiveFrom")}
            onChange={clear("effectiveFrom")}
          />
          <FieldError id="issue-effectiveFrom-error" message={errors.effectiveFrom} />
        </div>
        <div className="text-sm">
          <label htmlFor="issue-expiresOn">{t("expiresOn", { zone: f.timeZone })}</label>
          <input
            name="expiresOn"
            type="date"
            defaultValue={inDays(90, f.timeZone)}
            className={input}
            {...err("expiresOn")}
            onChange={clear("expiresOn")}
          />
          <FieldError id="issue-expiresOn-error" message={errors.expiresOn} />
        </div>
        <div className="text-sm sm:col-span-2">
          <label htmlFor="issue-description">{t("description")}</label>
          <input name="description" maxLength={200} className={input} {...err("description")} />
          <FieldError id="issue-description-error" message={errors.description} />
        </div>
      </div>
      <ApplicabilityFields products={products} errors={errors} idPrefix="issue" />
      <FormError error={server?.message ? server : null} onRetry={() => issue.reset()} />
      {issue.data && (
        <p role="status" className="rounded border border-green-200 bg-green-50 p-3 text-sm text-green-900">
          {t("issued")}{" "}
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
        {issue.isPending ? t("issuing") : t("issue")}
      </button>
    </form>
  );
}
