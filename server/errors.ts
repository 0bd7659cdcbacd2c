import type { TRPC_ERROR_CODE_KEY } from "@trpc/server";

/** Expected failures of domain functions. Mapped to tRPC/HTTP codes in one place (server/trpc/init.ts). */
export const DOMAIN_ERRORS = {
  UNAUTHENTICATED: "UNAUTHORIZED",
  NOT_FOUND: "NOT_FOUND",
  INVALID_INPUT: "BAD_REQUEST",
  INVALID_CURSOR: "BAD_REQUEST",
  FORBIDDEN: "FORBIDDEN",
  IDEMPOTENCY_KEY_REUSED: "UNPROCESSABLE_CONTENT",
  CONFLICT: "CONFLICT",
  ORDER_ALREADY_PAID: "CONFLICT",
  ORDER_NOT_PAYABLE: "CONFLICT",
  ORDER_NOT_REFUNDABLE: "CONFLICT",
  VOUCHER_CHANGED: "CONFLICT",
  VOUCHER_NOT_APPLICABLE: "UNPROCESSABLE_CONTENT",
  ENTERPRISE_NOT_ENABLED: "FORBIDDEN",
  NOT_ENTERPRISE_ADMIN: "FORBIDDEN",
  PERMISSION_REQUIRED: "FORBIDDEN",
  FINANCIAL_RELATIONSHIP_REQUIRED: "PRECONDITION_FAILED",
  POOL_INSUFFICIENT_FUNDS: "CONFLICT",
  VOUCHER_ALREADY_RECLAIMED: "CONFLICT",
  DATABASE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
} as const satisfies Record<string, TRPC_ERROR_CODE_KEY>;

export type DomainErrorCode = keyof typeof DOMAIN_ERRORS;

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const notFound = (what = "Voucher") => new DomainError("NOT_FOUND", `${what} not found`);

/** What the browser is told about an unexpected failure: never a stack trace or a database message. */
export const SERVER_FAILURE_MESSAGE =
  "Something went wrong on our side. Nothing was changed; please try again.";
