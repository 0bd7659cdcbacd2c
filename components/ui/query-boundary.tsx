"use client";

import { QueryErrorResetBoundary } from "@tanstack/react-query";
import { Component, type ReactNode, Suspense } from "react";
import { useTranslations } from "next-intl";
import { useDescribeError } from "@/lib/errors";

type Props = { children: ReactNode; fallback?: ReactNode; onReset: () => void };
class Boundary extends Component<Props, { error: Error | null }> {
  state = { error: null as Error | null };
  static getDerivedStateFromError(error: Error) {
    return { error };
  }
  render() {
    if (!this.state.error) return this.props.children;
    return (
      <div role="alert" className="rounded border border-red-200 bg-red-50 p-4 text-sm text-red-800">
        <ErrorText error={this.state.error} />
        <button
          type="button"
          className="mt-3 rounded border border-red-300 bg-white px-3 py-1"
          onClick={() => {
            this.props.onReset();
            this.setState({ error: null });
          }}
        >
          <RetryLabel />
        </button>
      </div>
    );
  }
}

function ErrorText({ error }: { error: Error }) {
  const t = useTranslations("common");
  const describe = useDescribeError();
  return (
    <>
      <p className="font-medium">{t("couldNotLoad")}</p>
      <p className="mt-1">{describe(error as { message?: unknown; data?: unknown })?.message}</p>
    </>
  );
}

function RetryLabel() {
  return <>{useTranslations("common")("tryAgain")}</>;
}

/** Suspense + an error boundary with a retry: loading and error states are designed (R-LIST-6). */
export function QueryBoundary({ children, fallback }: { children: ReactNode; fallback?: ReactNode }) {
  return (
    <QueryErrorResetBoundary>
      {({ reset }) => (
        <Boundary onReset={reset}>
          <Suspense fallback={fallback ?? <Loading />}>{children}</Suspense>
        </Boundary>
      )}
    </QueryErrorResetBoundary>
  );
}

export function Loading({ label }: { label?: string }) {
  const t = useTranslations("common");
  return (
    <div
      role="status"
      aria-live="polite"
      className="animate-pulse rounded border border-slate-200 bg-white p-6 text-sm text-slate-600"
    >
      {label ?? t("loading")}
    </div>
  );
}
