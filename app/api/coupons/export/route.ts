import { requestLocale } from "@/i18n/request-locale";
import { parseListParams } from "@/lib/coupon-list-params";
import { DomainError } from "@/server/errors";
import { accountRoute } from "@/server/http/route";
import {
  csvResponse,
  exportBusy,
  exportCapacity,
  listFileName,
  streamCouponList,
} from "@/server/vouchers/export";

/**
 * R-DET-3: every voucher the Coupons tab's current filter shows (all pages), as a streamed CSV.
 * Reads the same URL parameters as the page, through the same parser, and the door resolves the
 * account scope as coupons.list does (accountScope), so the file is what the table shows.
 */
export const GET = accountRoute(
  (req) => {
    const parsed = parseListParams(new URL(req.url).searchParams);
    if (!parsed.ok) throw new DomainError("INVALID_INPUT", "BAD_LIST_LINK", { detail: parsed.error });
    return parsed.value;
  },
  (req, { handle, user, scope, input }) => {
    if (!exportCapacity(handle)) return exportBusy();
    const body = streamCouponList(handle, scope, input, user.timeZone, requestLocale(req, user));
    return csvResponse(body, listFileName(user.timeZone));
  },
);
