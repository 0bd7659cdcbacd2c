import { couponRoute } from "@/server/http/route";
import { exportBusy, exportCapacity, historyFileName, streamCouponHistory } from "@/server/vouchers/export";

/** R-DET-2: a voucher's usage details as a streamed CSV download, for whoever may see the voucher. */
export const GET = couponRoute((_req, { handle, user, coupon }) => {
  // Times in the viewer's zone: the file is for the person downloading it.
  if (!exportCapacity(handle)) return exportBusy();
  const body = streamCouponHistory(handle, coupon.id, user.timeZone);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${historyFileName(coupon.id, user.timeZone)}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});
