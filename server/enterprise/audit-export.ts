import type { DatabaseHandle } from "@/db/client";
import { getSessionUser } from "@/server/auth/session";
import { DOMAIN_ERRORS, DomainError } from "@/server/errors";
import { requireAuditViewer } from "./access";
import { auditFileName, streamAudit } from "./audit";

const STATUS: Partial<Record<string, number>> = { FORBIDDEN: 403, NOT_FOUND: 404, PRECONDITION_FAILED: 412 };

/**
 * R-POOL-5: the enterprise's audit log as a streamed CSV download, for exactly the people who may
 * view it (the owner and holders of the Quota Pool permission, checked on this request).
 * The route handler is a thin wrapper, so tests call this with their own database.
 */
export async function auditExportResponse(handle: DatabaseHandle, sessionToken: string | undefined) {
  const user = await getSessionUser(handle.db, sessionToken);
  if (!user) return Response.json({ error: "Please sign in." }, { status: 401 });
  let ent: Awaited<ReturnType<typeof requireAuditViewer>>;
  try {
    ent = await requireAuditViewer(handle.db, user);
  } catch (e) {
    if (e instanceof DomainError) {
      return Response.json(
        { error: e.message, code: e.code },
        { status: STATUS[DOMAIN_ERRORS[e.code]] ?? 400 },
      );
    }
    throw e;
  }
  return new Response(streamAudit(handle, ent, user.timeZone), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${auditFileName(ent, user.timeZone)}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
