"use client";

import { FormError } from "@/components/ui/errors";
import { useDescribeError } from "@/lib/errors";

/** Shared bits of the enterprise and pool pages, in the console's house style. */
export const control =
  "mt-1 block w-full max-w-full rounded border border-slate-300 bg-white px-2 py-1.5 text-sm sm:w-auto";
export const primary =
  "rounded bg-brand-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-600 disabled:opacity-60";
export const secondary =
  "rounded border border-slate-300 bg-white px-3 py-1.5 text-sm hover:bg-slate-100 disabled:opacity-60";
export const th = "px-3 py-2";
export const td = "px-3 py-2";

/** A mutation's error as a sentence (R-UX-2), announced (role=alert); "Try again" when it may work. */
export function ErrorAlert({
  error,
  onRetry,
}: {
  error: { message: string; data?: unknown } | null;
  onRetry?: () => void;
}) {
  const describe = useDescribeError();
  return <FormError error={describe(error)} onRetry={onRetry} />;
}

export function Done({ children }: { children: React.ReactNode }) {
  return (
    <p role="status" className="rounded border border-green-200 bg-green-50 p-3 text-sm text-green-900">
      {children}
    </p>
  );
}

export function Section({ title, children, id }: { title: string; children: React.ReactNode; id: string }) {
  return (
    <section aria-labelledby={id} className="space-y-3 rounded border border-slate-200 bg-white p-4">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}
