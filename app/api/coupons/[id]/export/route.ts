import { requestLocale } from "@/i18n/request-locale";
import { couponRoute } from "@/server/http/route";
import {
  csvResponse,
  exportBusy,
  exportCapacity,
  historyFileName,
  streamCouponHistory,
} from "@/server/vouchers/export";

/** R-DET-2: a voucher's usage details as a streamed CSV download, for whoever may see the voucher. */
export const GET = couponRoute((req, { handle, user, coupon }) => {
  // Times in the viewer's zone: the file is for the person downloading it.
  if (!exportCapacity(handle)) return exportBusy();
  const body = streamCouponHistory(handle, coupon.id, user.timeZone, requestLocale(req, user));
  return csvResponse(body, historyFileName(coupon.id, user.timeZone));
});
