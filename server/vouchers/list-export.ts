import type { DatabaseHandle } from "@/db/client";
import { parseListParams } from "@/lib/coupon-list-params";
import { resolveAccountScope } from "@/server/auth/access";
import { getSessionUser } from "@/server/auth/session";
import { exportBusy, exportCapacity, listFileName, streamCouponList } from "./export";

/**
 * R-DET-3: every voucher the Coupons tab's current filter shows (all pages), as a streamed CSV.
 * Reads the same URL parameters as the page, through the same parser, and resolves the account
 * scope as coupons.list does (resolveAccountScope), so the file is what the table shows.
 * The route handler is a thin wrapper, so tests call this with their own database.
 */
export async function couponListExportResponse(
  handle: DatabaseHandle,
  sessionToken: string | undefined,
  params: URLSearchParams,
) {
  const user = await getSessionUser(handle.db, sessionToken);
  if (!user) return Response.json({ error: "Please sign in." }, { status: 401 });
  const parsed = parseListParams(params);
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
