"use client";

import { useTranslations } from "next-intl";
import type { UserFacingError } from "@/lib/errors";

/** The form-level sentence of a failed action (R-UX-2), with "Try again" when retrying may work. */
export function FormError({ error, onRetry }: { error: UserFacingError | null; onRetry?: () => void }) {
  const t = useTranslations("common");
  if (!error?.message) return null;
  return (
    <div role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-800">
      <p>{error.message}</p>
      {error.retry && onRetry && (
        <button
          type="button"
          className="mt-2 rounded border border-red-300 bg-white px-3 py-1 text-red-900 hover:bg-red-100"
          onClick={onRetry}
        >
          {t("tryAgain")}
        </button>
      )}
    </div>
  );
}

/** The sentence under a field; link it with the field's aria-describedby (see fieldProps). */
export function FieldError({ id, message }: { id: string; message: string | null | undefined }) {
  if (!message) return null;
  return (
    <span id={id} className="mt-1 block text-sm text-red-800">
      {message}
    </span>
  );
}

/** aria-invalid and aria-describedby for a field with a possible error sentence. */
export function fieldProps(id: string, message: string | null | undefined) {
  return message ? { "aria-invalid": true as const, "aria-describedby": `${id}-error` } : {};
}
