import { appDatabase } from "@/db";
import { readSessionCookie } from "@/server/auth/session";
import { couponListExportResponse } from "@/server/vouchers/list-export";

/** R-DET-3: every voucher the Coupons tab's current filter shows (all pages), as a streamed CSV. */
export async function GET(req: Request) {
  return couponListExportResponse(
    await appDatabase(),
    readSessionCookie(req.headers.get("cookie")),
    new URL(req.url).searchParams,
  );
}
