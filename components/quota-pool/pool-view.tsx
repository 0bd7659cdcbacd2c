"use client";

import { TableScroll } from "@/components/ui/table-scroll";
import {
  useMutation,
  useQueryClient,
  useSuspenseInfiniteQuery,
  useSuspenseQuery,
} from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import {
  control,
  Done,
  ErrorAlert,
  primary,
  Section,
  secondary,
  td,
  th,
} from "@/components/enterprise/shared";
import { StatusBadge } from "@/components/ui/status-badge";
import { useTranslations } from "next-intl";
import { isoDay } from "@/lib/format";
import { useFormat } from "@/lib/use-format";
import type { PAYMENT_TYPES, TRANSACTION_TYPES } from "@/server/vouchers/schema";
import { ApplicabilityFields } from "@/components/coupons/applicability-fields";
import { FieldError, FormError, fieldProps } from "@/components/ui/errors";
import { useDescribeError } from "@/lib/errors";
import { VOUCHER_FIELD_HINTS, VOUCHER_FIELD_OF, voucherFormProblems } from "@/lib/voucher-form";
import { useTRPC } from "@/trpc/client";

/** A day n days from today in the user's zone, where typed days are read (R-TZ-1). */
const day = (n: number, timeZone: string) => isoDay(new Date(Date.now() + n * 86_400_000), timeZone);

function useInvalidatePool() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: trpc.quotaPool.overview.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.quotaPool.movable.queryKey() });
    void qc.invalidateQueries({ queryKey: trpc.quotaPool.vouchers.pathKey() });
    void qc.invalidateQueries({ queryKey: trpc.enterprise.audit.pathKey() });
    void qc.invalidateQueries({ queryKey: trpc.coupons.pathKey() });
  };
}

/** Funds and where they came from (R-POOL-1). */
export function PoolSummary() {
  const trpc = useTRPC();
  const t = useTranslations("pool");
  const f = useFormat();
  const { data: o } = useSuspenseQuery(trpc.quotaPool.overview.queryOptions());
  const items: [string, number, string][] = [
    [t("funds"), o.fundsMinor, "pool-funds"],
    [t("movedIn"), o.movedInMinor, "moved-in"],
    [t("generated"), o.generatedMinor, "generated"],
    [t("reclaimed"), o.reclaimedMinor, "reclaimed"],
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
      {items.map(([label, value, id]) => (
        <div key={id} className="rounded border border-slate-200 bg-white p-3">
          <dt className="text-xs uppercase text-slate-600">{label}</dt>
          <dd className="text-xl font-semibold tabular-nums" data-testid={id}>
            {f.money(value, o.currency)}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** R-POOL-1: move an acquired voucher's whole balance into the pool. */
export function MoveInForm() {
  const trpc = useTRPC();
  const t = useTranslations("pool");
  const f = useFormat();
  const invalidate = useInvalidatePool();
  const { data: movable } = useSuspenseQuery(trpc.quotaPool.movable.queryOptions());
  const [key, setKey] = useState(() => crypto.randomUUID());
  const move = useMutation(
    trpc.quotaPool.moveIn.mutationOptions({
      onSuccess: () => {
        setKey(crypto.randomUUID());
        invalidate();
      },
    }),
  );
  return (
    <Section title={t("moveTitle")} id="move-in">
      {movable.length === 0 ? (
        <p className="text-sm text-slate-700">{t("noMovable")}</p>
      ) : (
        <form
          aria-label={t("moveTitle")}
          className="grid grid-cols-1 gap-3 sm:flex sm:flex-wrap sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            move.mutate({
              couponId: String(new FormData(e.currentTarget).get("couponId")),
              idempotencyKey: key,
            });
          }}
        >
          <label className="min-w-0 text-sm">
            {t("voucherToMove")}
            <select name="couponId" className={control} onChange={() => setKey(crypto.randomUUID())}>
              {movable.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.id} · {f.money(v.balanceMinor, v.currency)}
                  {v.description ? ` · ${v.description}` : ""}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className={primary} disabled={move.isPending}>
            {move.isPending ? t("moving") : t("moveIn")}
          </button>
        </form>
      )}
      <ErrorAlert error={move.error} />
      {move.data && (
        <Done>
          {t("moved", {
            id: move.data.couponId,
            funds: f.money(move.data.fundsAfterMinor, movable[0]?.currency ?? "USD"),
          })}
        </Done>
      )}
    </Section>
  );
}

/** R-POOL-2 (and R-POOL-3 at once): custom vouchers from the pool. One idempotency key per form fill. */
export function GenerateForm() {
  const trpc = useTRPC();
  const t = useTranslations("pool");
  const tv = useTranslations("voucherForm");
  const tf = useTranslations("forms");
  const fmt = useFormat();
  const describeError = useDescribeError();
  const invalidate = useInvalidatePool();
  const { data: o } = useSuspenseQuery(trpc.quotaPool.overview.queryOptions());
  const { data: products } = useSuspenseQuery(trpc.catalog.products.queryOptions());
  const [key, setKey] = useState(() => crypto.randomUUID());
  const gen = useMutation(
    trpc.quotaPool.generate.mutationOptions({
      onSuccess: () => {
        setKey(crypto.randomUUID());
        invalidate();
      },
    }),
  );
  const [problems, setProblems] = useState<Record<string, string>>({});
  const server = describeError(gen.error, VOUCHER_FIELD_HINTS, VOUCHER_FIELD_OF);
  const errors: Record<string, string> = {
    ...(server?.fields ?? {}),
    ...Object.fromEntries(Object.entries(problems).map(([k, v]) => [k, tf.has(v) ? tf(v) : v])),
  };
  const field = (name: string) => ({ id: `gen-${name}`, ...fieldProps(`gen-${name}`, errors[name]) });
  const input = "mt-1 block w-full rounded border border-slate-300 bg-white px-2 py-1.5 text-sm";
  return (
    <Section title={t("generateTitle")} id="generate">
      <form
        aria-label={t("generateTitle")}
        noValidate
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const all = (name: string) => f.getAll(name).map(String);
          const found = voucherFormProblems(f, { amount: "amount", quantity: true });
          setProblems(found);
          if (Object.keys(found).length > 0) return;
          gen.mutate({
            amount: String(f.get("amount")),
            quantity: Number(f.get("quantity") || 1),
            commodities: all("commodities"),
            scopes: all("scopes") as (typeof TRANSACTION_TYPES)[number][],
            paymentTypes: all("paymentTypes") as (typeof PAYMENT_TYPES)[number][],
            minOrder: String(f.get("minOrder") || "0"),
            effectiveFrom: String(f.get("effectiveFrom")),
            expiresOn: String(f.get("expiresOn")),
            description: String(f.get("description") ?? ""),
            assignTo: all("assignTo"),
            idempotencyKey: key,
          });
        }}
        onChange={() => {
          if (gen.data || gen.error) setKey(crypto.randomUUID());
        }}
      >
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-3">
          <div className="text-sm">
            <label htmlFor="gen-amount">{t("amountPer", { currency: o.currency })}</label>
            <input name="amount" inputMode="decimal" className={input} {...field("amount")} />
            <FieldError id="gen-amount-error" message={errors.amount} />
          </div>
          <div className="text-sm">
            <label htmlFor="gen-quantity">{t("quantity")}</label>
            <input
              name="quantity"
              inputMode="numeric"
              defaultValue={1}
              className={input}
              {...field("quantity")}
            />
            <FieldError id="gen-quantity-error" message={errors.quantity} />
          </div>
          <div className="text-sm">
            <label htmlFor="gen-minOrder">{tv("minOrder")}</label>
            <input
              name="minOrder"
              defaultValue="0"
              inputMode="decimal"
              className={input}
              {...field("minOrder")}
            />
            <FieldError id="gen-minOrder-error" message={errors.minOrder} />
          </div>
          <div className="text-sm">
            <label htmlFor="gen-effectiveFrom">{tv("effectiveFrom", { zone: fmt.timeZone })}</label>
            <input
              name="effectiveFrom"
              type="date"
              defaultValue={day(0, fmt.timeZone)}
              className={input}
              {...field("effectiveFrom")}
            />
            <FieldError id="gen-effectiveFrom-error" message={errors.effectiveFrom} />
          </div>
          <div className="text-sm">
            <label htmlFor="gen-expiresOn">{tv("expiresOn", { zone: fmt.timeZone })}</label>
            <input
              name="expiresOn"
              type="date"
              defaultValue={day(90, fmt.timeZone)}
              className={input}
              {...field("expiresOn")}
            />
            <FieldError id="gen-expiresOn-error" message={errors.expiresOn} />
          </div>
          <div className="text-sm">
            <label htmlFor="gen-description">{tv("description")}</label>
            <input name="description" maxLength={200} className={input} {...field("description")} />
            <FieldError id="gen-description-error" message={errors.description} />
          </div>
        </div>
        <ApplicabilityFields products={products} errors={errors} idPrefix="gen" />
        <fieldset className="text-sm">
          <legend className="font-medium">{t("shareLegend")}</legend>
          {o.assignable.length === 0 ? (
            <p className="mt-1 text-slate-700">{t("noManaged")}</p>
          ) : (
            <div className="mt-1 flex flex-wrap gap-3">
              {o.assignable.map((a) => (
                <label key={a.accountId} className="inline-flex items-center gap-1">
                  <input type="checkbox" name="assignTo" value={a.accountId} />{" "}
                  <span translate="no">{t("accountOption", { name: a.name, id: a.accountId })}</span>
                </label>
              ))}
            </div>
          )}
        </fieldset>
        <button type="submit" className={primary} disabled={gen.isPending}>
          {gen.isPending ? t("generating") : t("generateTitle")}
        </button>
      </form>
      <FormError error={server?.message ? server : null} onRetry={() => gen.reset()} />
      {gen.data && (
        <Done>
          {t.rich("generatedDone", {
            ids: () => (
              <>
                {gen.data.ids.map((id, i) => (
                  <span key={id}>
                    {i > 0 && ", "}
                    <Link className="font-mono underline" href={`/coupons/${id}`}>
                      {id}
                    </Link>
                  </span>
                ))}
              </>
            ),
            total: fmt.money(gen.data.totalMinor, o.currency),
            funds: fmt.money(gen.data.fundsAfterMinor, o.currency),
          })}
        </Done>
      )}
    </Section>
  );
}

type PoolVoucher = {
  id: string;
  nominalMinor: number;
  balanceMinor: number;
  spentMinor: number;
  reclaimedMinor: number;
  currency: string;
  effectiveFrom: string;
  expiresAt: string;
  status: "Not yet effective" | "Available" | "Used up" | "Expired" | "Reclaimed";
  description: string;
  sharedWith: { accountId: string; name: string }[];
};

/** R-POOL-2..4: generated vouchers with their use; Assign and Reclaim (with a confirm step). */
export function PoolVouchers() {
  const trpc = useTRPC();
  const t = useTranslations("pool");
  const { data } = useSuspenseInfiniteQuery(
    trpc.quotaPool.vouchers.infiniteQueryOptions({ limit: 20 }, { getNextPageParam: (p) => p.nextCursor }),
  );
  const { data: o } = useSuspenseQuery(trpc.quotaPool.overview.queryOptions());
  const items = data.pages.flatMap((p) => p.items);
  return (
    <Section title={t("generatedTitle")} id="generated">
      {items.length === 0 ? (
        <p className="text-sm text-slate-700">{t("noneGenerated")}</p>
      ) : (
        <TableScroll label={t("scrollTable")}>
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">{t("caption")}</caption>
            <thead className="bg-slate-100 text-xs uppercase text-slate-700">
              <tr>
                <th scope="col" className={th}>
                  {t("colId")}
                </th>
                <th scope="col" className={`${th} text-right`}>
                  {t("colNominal")}
                </th>
                <th scope="col" className={`${th} text-right`}>
                  {t("colBalance")}
                </th>
                <th scope="col" className={`${th} text-right`}>
                  {t("colSpent")}
                </th>
                <th scope="col" className={th}>
                  {t("colStatus")}
                </th>
                <th scope="col" className={th}>
                  {t("colValidity")}
                </th>
                <th scope="col" className={th}>
                  {t("colShared")}
                </th>
                <th scope="col" className={th}>
                  {t("colActions")}
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((v) => (
                <VoucherRow key={v.id} v={v} assignable={o.assignable} />
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </Section>
  );
}

function VoucherRow({
  v,
  assignable,
}: {
  v: PoolVoucher;
  assignable: { accountId: string; name: string }[];
}) {
  const trpc = useTRPC();
  const t = useTranslations("pool");
  const f = useFormat();
  const invalidate = useInvalidatePool();
  const [confirming, setConfirming] = useState<string | null>(null);
  const reclaim = useMutation(
    trpc.quotaPool.reclaim.mutationOptions({
      onSuccess: () => {
        setConfirming(null);
        invalidate();
      },
    }),
  );
  const assign = useMutation(trpc.quotaPool.assign.mutationOptions({ onSuccess: invalidate }));
  const unshared = assignable.filter((a) => !v.sharedWith.some((s) => s.accountId === a.accountId));
  const open = v.status !== "Reclaimed";
  return (
    <tr className="border-t border-slate-200 align-top">
      <td className={`${td} whitespace-nowrap font-mono`}>
        <Link className="text-brand-700 underline" href={`/coupons/${v.id}`}>
          {v.id}
        </Link>
      </td>
      <td className={`${td} whitespace-nowrap text-right tabular-nums`}>
        {f.money(v.nominalMinor, v.currency)}
      </td>
      <td className={`${td} whitespace-nowrap text-right tabular-nums`}>
        {f.money(v.balanceMinor, v.currency)}
      </td>
      <td className={`${td} whitespace-nowrap text-right tabular-nums`}>
        {f.money(v.spentMinor, v.currency)}
      </td>
      <td className={td}>
        <StatusBadge status={v.status} />
        {v.reclaimedMinor > 0 && (
          <span className="block text-xs text-slate-600">
            {t("reclaimedAmount", { amount: f.money(v.reclaimedMinor, v.currency) })}
          </span>
        )}
      </td>
      <td className={`${td} tabular-nums`}>{f.validity(v.effectiveFrom, v.expiresAt)}</td>
      <td className={td}>
        {v.sharedWith.length === 0 ? (
          t("noAccounts")
        ) : (
          <span translate="no">
            {v.sharedWith.map((s) => t("accountOption", { name: s.name, id: s.accountId })).join(", ")}
          </span>
        )}
      </td>
      <td className={`${td} min-w-64 space-y-2`}>
        {open && unshared.length > 0 && (
          <form
            aria-label={t("assignOf", { id: v.id })}
            className="flex items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              assign.mutate({
                couponId: v.id,
                accountIds: [String(new FormData(e.currentTarget).get("accountId"))],
              });
            }}
          >
            <label className="text-xs">
              {t("shareWith")}
              <select name="accountId" className={control}>
                {unshared.map((a) => (
                  <option key={a.accountId} value={a.accountId}>
                    {a.name} ({a.accountId})
                  </option>
                ))}
              </select>
            </label>
            <button
              type="submit"
              className={secondary}
              disabled={assign.isPending}
              aria-label={t("assignOf", { id: v.id })}
            >
              {t("assign")}
            </button>
          </form>
        )}
        {open &&
          (confirming ? (
            <div className="space-y-2 rounded border border-amber-300 bg-amber-50 p-2">
              <p className="text-xs text-amber-950">
                {t("reclaimConfirm", { amount: f.money(v.balanceMinor, v.currency), id: v.id })}
              </p>
              <div className="flex gap-2">
                <button
                  type="button"
                  className={primary}
                  disabled={reclaim.isPending}
                  aria-label={t("confirmReclaimOf", { id: v.id })}
                  onClick={() => reclaim.mutate({ couponId: v.id, idempotencyKey: confirming })}
                >
                  {t("confirmReclaim")}
                </button>
                <button type="button" className={secondary} onClick={() => setConfirming(null)}>
                  {t("cancel")}
                </button>
              </div>
            </div>
          ) : (
            <button
              type="button"
              className={secondary}
              aria-label={t("reclaimOf", { id: v.id })}
              onClick={() => {
                reclaim.reset();
                setConfirming(crypto.randomUUID());
              }}
            >
              {t("reclaim")}
            </button>
          ))}
        <ErrorAlert error={reclaim.error ?? assign.error} />
      </td>
    </tr>
  );
}
