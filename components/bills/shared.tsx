"use client";

import { useTranslations } from "next-intl";

import { useId } from "react";

export const th = "px-3 py-2";
export const control = "mt-1 block rounded border border-slate-300 bg-white px-2 py-1.5 text-sm";

const STATUS_STYLES = {
  Open: "bg-blue-50 text-blue-800 ring-blue-600/30",
  Closed: "bg-slate-100 text-slate-700 ring-slate-500/30",
} as const;

export function BillStatusBadge({ status }: { status: "Open" | "Closed" }) {
  const t = useTranslations("enums.billStatus");
  return (
    <span
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLES[status]}`}
    >
      {t(status)}
    </span>
  );
}

/**
 * The account filter of Bills and Invoices (R-ENT-4): the accounts the caller may see with the
 * page's permission, plus "All". Offered only when there is more than one.
 */
export function AccountFilter({
  accounts,
  ownAccountId,
  value,
  onChange,
}: {
  accounts: { id: string; name: string }[];
  ownAccountId: string;
  value: string;
  onChange: (accountId: string) => void;
}) {
  const id = useId();
  const t = useTranslations("bills");
  return (
    <div className="text-sm">
      <label htmlFor={id}>{t("account")}</label>
      <select id={id} className={control} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="all">{t("allAccounts")}</option>
        {accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {t(a.id === ownAccountId ? "accountOptionYou" : "accountOption", { name: a.name, id: a.id })}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Stat({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div className="rounded border border-slate-200 bg-white p-4">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="mt-1 text-xl font-semibold tabular-nums">{value}</dd>
      {note && <dd className="mt-1 text-xs text-slate-600">{note}</dd>}
    </div>
  );
}
