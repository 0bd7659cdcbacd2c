import { requireAuditViewer } from "@/server/enterprise/access";
import { listAudit } from "@/server/enterprise/audit";
import { enterpriseDetail, enterpriseStatus } from "@/server/enterprise/queries";
import {
  acceptInput,
  auditListInput,
  auditListOutput,
  enableInput,
  memberInput,
  permissionInput,
} from "@/server/enterprise/schema";
import {
  acceptInvitation,
  enableEnterprise,
  endRelationship,
  grantPermission,
  inviteMember,
  removeMember,
  revokePermission,
  setUpRelationship,
} from "@/server/enterprise/service";
import { authedProcedure, router, viewerLocale } from "../init";

/** Enterprise Account Center (R-ENT-1..3). Every call acts on the caller's own account's enterprise. */
export const enterpriseRouter = router({
  /** Where the caller's account stands: master, member, invitations. Works before enabling. */
  status: authedProcedure.query(({ ctx }) => enterpriseStatus(ctx.handle.db, ctx.user)),
  enable: authedProcedure
    .input(enableInput)
    .mutation(({ ctx, input }) => enableEnterprise(ctx.handle.db, ctx.user, input)),
  /** Members, relationships, administrators and permissions (administrators only). */
  get: authedProcedure.query(({ ctx }) => enterpriseDetail(ctx.handle.db, ctx.user)),
  invite: authedProcedure
    .input(memberInput)
    .mutation(({ ctx, input }) => inviteMember(ctx.handle.db, ctx.user, input)),
  accept: authedProcedure
    .input(acceptInput)
    .mutation(({ ctx, input }) => acceptInvitation(ctx.handle.db, ctx.user, input)),
  removeMember: authedProcedure
    .input(memberInput)
    .mutation(({ ctx, input }) => removeMember(ctx.handle.db, ctx.user, input)),
  manage: authedProcedure
    .input(memberInput)
    .mutation(({ ctx, input }) => setUpRelationship(ctx.handle.db, ctx.user, input)),
  unmanage: authedProcedure
    .input(memberInput)
    .mutation(({ ctx, input }) => endRelationship(ctx.handle.db, ctx.user, input)),
  grant: authedProcedure
    .input(permissionInput)
    .mutation(({ ctx, input }) => grantPermission(ctx.handle.db, ctx.user, input)),
  revoke: authedProcedure
    .input(permissionInput)
    .mutation(({ ctx, input }) => revokePermission(ctx.handle.db, ctx.user, input)),
  /** The audit log (R-POOL-5), newest first, keyset. */
  audit: authedProcedure
    .input(auditListInput)
    .output(auditListOutput)
    .query(async ({ ctx, input }) => {
      const ent = await requireAuditViewer(ctx.handle.db, ctx.user);
      return listAudit(ctx.handle.db, ent, input.cursor, input.limit, viewerLocale(ctx));
    }),
});
