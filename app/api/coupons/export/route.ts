import { appDatabase } from "@/db";
import { parseListParams } from "@/lib/coupon-list-params";
import { resolveAccountScope } from "@/server/auth/access";
import { getSessionUser, readSessionCookie } from "@/server/auth/session";
import { exportBusy, exportCapacity, listFileName, streamCouponList } from "@/server/vouchers/export";

/**
 * R-DET-3: every voucher the Coupons tab's current filter shows (all pages), as a streamed CSV.
 * Reads the same URL parameters as the page, through the same parser.
 */
export async function GET(req: Request) {
  const handle = await appDatabase();
  const user = await getSessionUser(handle.db, readSessionCookie(req.headers.get("cookie")));
  if (!user) return Response.json({ error: "Please sign in." }, { status: 401 });
  const parsed = parseListParams(new URL(req.url).searchParams);
  if (!parsed.ok) return Response.json({ error: parsed.error }, { status: 400 });
  const scope = await resolveAccountScope(handle.db, user, parsed.value.accountId);
  if (scope === "operator-all")
    return Response.json({ error: "Choose one account to export." }, { status: 400 });
  if (!scope) return Response.json({ error: "Account not found" }, { status: 404 });
  if (!exportCapacity(handle)) return exportBusy();
  const body = streamCouponList(handle, scope, parsed.value, user.timeZone);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${listFileName(user.timeZone)}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
