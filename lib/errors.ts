"use client";

import { useLocale, useTranslations } from "next-intl";
import { useCallback } from "react";
import { MoneyParseError, parseMoney } from "@/server/money";
import { errorValues } from "./error-params";
import { formatMoney } from "./format";

/**
 * Errors in people's words (R-UX-2), in the viewer's language (R-I18N-1). A failed call becomes a
 * sentence for the form and, where the failure is about one field, a sentence for that field; never
 * a field path, an error code, a library message or stack text. The server sends a code (`reason`,
 * a key of the `errors` catalog) and its parameters; the sentence is worded here. A failure on our
 * side (or of the connection) says nothing was changed and can be retried.
 */
export type UserFacingError = {
  /** The form-level sentence, or null when every problem is shown next to its field. */
  message: string | null;
  /** Field name → sentence, for the fields the failure is about. */
  fields: Record<string, string>;
  /** True when trying again may work (our side failed or the connection dropped). */
  retry: boolean;
};

type ErrorLike = { message?: unknown; data?: unknown } | null | undefined;

type ErrorData = {
  code?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  domainCode?: string;
  reason?: string;
  params?: Record<string, unknown>;
};

/** Error reasons whose sentence is about one field: the parameter naming it, or the field itself. */
const FIELD_OF_REASON: Record<string, string> = {
  REFUND_AT_MOST: "refund",
  REFUND_AT_MOST_PAID: "refund",
  REFUND_ABOVE_ZERO: "refund",
};

/**
 * `describe(error, fieldHints, fieldOf)`: `fieldHints` maps a form field to a key of the `forms`
 * catalog (what to do when the server's validation rejects it); `fieldOf` maps the field an error
 * names (`params.field`: nominal, minOrder, refund, orderAmount, amount) to the form's field name;
 * an error about a field the form does not name is shown as the form's sentence.
 */
export function useDescribeError() {
  const t = useTranslations("errors");
  const tf = useTranslations("forms");
  const tr = useTranslations("reasons");
  const locale = useLocale();
  return useCallback(
    (
      error: ErrorLike,
      fieldHints: Record<string, string> = {},
      fieldOf: Record<string, string> = {},
    ): UserFacingError | null => {
      if (!error) return null;
      const data = (error.data ?? null) as ErrorData | null;
      if (!data?.code || data.code === "INTERNAL_SERVER_ERROR" || data.code === "TIMEOUT") {
        return { message: t("SERVER_FAILURE"), fields: {}, retry: true };
      }
      if (data.code === "UNAUTHORIZED") return { message: t("SESSION_ENDED"), fields: {}, retry: false };
      const fields: Record<string, string> = {};
      for (const key of Object.keys(data.fieldErrors ?? {})) {
        const top = key.split(".")[0] ?? key;
        const hint = fieldHints[top];
        fields[top] = hint && tf.has(hint) ? tf(hint) : t("CHECK_VALUE");
      }
      if (Object.keys(fields).length > 0) return { message: null, fields, retry: false };
      if (data.domainCode === "CONFLICT" && (!data.reason || data.reason === "BUSY_GENERIC")) {
        return { message: t("BUSY_GENERIC"), fields: {}, retry: true };
      }
      const reason = data.reason;
      if (!reason || !t.has(reason)) return { message: t("DID_NOT_WORK"), fields: {}, retry: false };
      const values = errorValues(
        locale,
        data.params,
        (code) => (tr.has(code) ? tr(code) : code),
        (minor, currency) => formatMoney(minor, currency, locale),
      );
      // Shown as a sentence (R-UX-2): the wire's English message may end without a full stop.
      const worded = t(reason, values);
      const text = /[.!?。！？]$/.test(worded) ? worded : `${worded}${locale === "zh" ? "。" : "."}`;
      // A sentence about one field goes next to it when the form has that field (named in fieldOf).
      const named = typeof data.params?.field === "string" ? data.params.field : FIELD_OF_REASON[reason];
      const field = named ? fieldOf[named] : undefined;
      if (field) return { message: null, fields: { [field]: text }, retry: false };
      return { message: text, fields: {}, retry: reason === "BUSY" };
    },
    [t, tf, tr, locale],
  );
}

export type AmountProblem =
  | "amountRequired"
  | "amountAboveZero"
  | "amountNoMinus"
  | "amountDecimals"
  | "amountCommas"
  | "amountTooLarge"
  | "amountFormat";

/**
 * A typed amount checked in the browser with the server's own parser: a key of the `forms` catalog,
 * or null when fine.
 */
export function amountProblem(
  value: string,
  opts: { required?: boolean; positive?: boolean } = {},
): AmountProblem | null {
  const v = value.trim();
  if (!v) return opts.required === false ? null : "amountRequired";
  try {
    const minor = parseMoney(v);
    if (opts.positive !== false && minor <= 0) return "amountAboveZero";
    return null;
  } catch (e) {
    if (!(e instanceof MoneyParseError)) throw e;
    return {
      negative: "amountNoMinus",
      decimals: "amountDecimals",
      commas: "amountCommas",
      tooLarge: "amountTooLarge",
      format: "amountFormat",
    }[e.problem] as AmountProblem;
  }
}
