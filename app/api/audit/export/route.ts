import { requestLocale } from "@/i18n/request-locale";
import { requireAuditViewer } from "@/server/enterprise/access";
import { auditFileName, streamAudit } from "@/server/enterprise/audit";
import { authedRoute } from "@/server/http/route";
import { csvResponse } from "@/server/vouchers/export";

/**
 * R-POOL-5: the enterprise's audit log as a streamed CSV download, for exactly the people who may
 * view it (the owner and holders of the Quota Pool permission, checked on this request); others
 * get the audit procedure's answer (403 with the reason).
 */
export const GET = authedRoute(async (req, { handle, user }) => {
  const ent = await requireAuditViewer(handle.db, user);
  return csvResponse(
    streamAudit(handle, ent, user.timeZone, requestLocale(req, user)),
    auditFileName(ent, user.timeZone),
  );
});
