import { requireAuditViewer } from "@/server/enterprise/access";
import { auditFileName, streamAudit } from "@/server/enterprise/audit";
import { authedRoute } from "@/server/http/route";

/**
 * R-POOL-5: the enterprise's audit log as a streamed CSV download, for exactly the people who may
 * view it (the owner and holders of the Quota Pool permission, checked on this request); others
 * get the audit procedure's answer (403 with the reason).
 */
export const GET = authedRoute(async (_req, { handle, user }) => {
  const ent = await requireAuditViewer(handle.db, user);
  return new Response(streamAudit(handle, ent, user.timeZone), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${auditFileName(ent, user.timeZone)}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});
