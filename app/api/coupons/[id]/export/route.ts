import { appDatabase } from "@/db";
import { canViewAccount } from "@/server/auth/access";
import { getSessionUser, readSessionCookie } from "@/server/auth/session";
import { DomainError } from "@/server/errors";
import { exportBusy, exportCapacity, historyFileName, streamCouponHistory } from "@/server/vouchers/export";
import { findVisibleCoupon } from "@/server/vouchers/queries";
import { couponId } from "@/server/vouchers/schema";

/** R-DET-2: a voucher's usage details as a streamed CSV download. */
export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const handle = await appDatabase();
  const user = await getSessionUser(handle.db, readSessionCookie(req.headers.get("cookie")));
  if (!user) return Response.json({ error: "Please sign in." }, { status: 401 });
  const parsed = couponId.safeParse((await params).id);
  if (!parsed.success) return Response.json({ error: "Voucher not found" }, { status: 404 });
  let coupon: Awaited<ReturnType<typeof findVisibleCoupon>>;
  try {
    coupon = await findVisibleCoupon(
      handle.db,
      parsed.data,
      (a) => canViewAccount(handle.db, user, a),
      user.accountId,
    );
  } catch (e) {
    if (e instanceof DomainError && e.code === "NOT_FOUND")
      return Response.json({ error: e.message }, { status: 404 });
    throw e;
  }
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
}
