"use client";

import { useTranslations } from "next-intl";
import { useLabels } from "@/lib/use-labels";
import { PAYMENT_TYPES, TRANSACTION_TYPES } from "@/server/vouchers/schema";

/**
 * The applicability fields of a voucher being issued or generated (R-VOU-1, R-POOL-2):
 * commodities and scopes (none ticked = General) and payment types. Read back with
 * FormData.getAll("commodities" | "scopes" | "paymentTypes").
 */
export function ApplicabilityFields({
  products,
  errors = {},
  idPrefix = "voucher",
}: {
  products: readonly { code: string; name: string }[];
  /** Field name → the sentence to show under that group (R-UX-2). */
  errors?: Record<string, string>;
  idPrefix?: string;
}) {
  const t = useTranslations("voucherForm");
  const tf = useTranslations("forms");
  const l = useLabels();
  const groups = [
    {
      legend: t("commodityLegend"),
      name: "commodities",
      options: products.map((p) => [p.code, l.product(p.code, p.name)] as const),
      checked: false,
    },
    {
      legend: t("scopeLegend"),
      name: "scopes",
      options: TRANSACTION_TYPES.map((v) => [v, l.transactionType(v)] as const),
      checked: false,
    },
    {
      legend: t("paymentTypesLegend"),
      name: "paymentTypes",
      options: PAYMENT_TYPES.map((v) => [v, l.paymentType(v)] as const),
      checked: true,
    },
  ];
  return (
    <>
      {groups.map((g) => (
        <fieldset
          key={g.name}
          className="text-sm"
          aria-describedby={errors[g.name] ? `${idPrefix}-${g.name}-error` : undefined}
        >
          <legend className="font-medium">{g.legend}</legend>
          <div className="mt-1 flex flex-wrap gap-3">
            {g.options.map(([value, label]) => (
              <label key={value} className="inline-flex items-center gap-1">
                <input type="checkbox" name={g.name} value={value} defaultChecked={g.checked} /> {label}
              </label>
            ))}
          </div>
          {errors[g.name] && (
            <span id={`${idPrefix}-${g.name}-error`} className="mt-1 block text-red-800">
              {tf.has(errors[g.name] ?? "") ? tf(errors[g.name] ?? "") : errors[g.name]}
            </span>
          )}
        </fieldset>
      ))}
    </>
  );
}
