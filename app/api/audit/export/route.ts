import { appDatabase } from "@/db";
import { readSessionCookie } from "@/server/auth/session";
import { auditExportResponse } from "@/server/enterprise/audit-export";

/** R-POOL-5: the enterprise's audit log as a streamed CSV download. */
export async function GET(req: Request) {
  return auditExportResponse(await appDatabase(), readSessionCookie(req.headers.get("cookie")));
}
