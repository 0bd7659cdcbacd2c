import { z } from "zod";
import { serverEnv } from "@/server/env";
import { digestMode, listInput, listOutput, notificationId } from "@/server/notifications/schema";
import {
  digestPreference,
  listNotifications,
  markAllRead,
  markRead,
  setDigestPreference,
  unreadCount,
} from "@/server/notifications/service";
import { authedProcedure, router } from "../init";

/**
 * The notification centre (R-NOTIFY-1, R-NOTIFY-2). Every procedure acts on the caller's own account
 * (notices) or own user (email preference); a notice of another account is "not found".
 */
export const notificationsRouter = router({
  list: authedProcedure
    .input(listInput)
    .output(listOutput)
    .query(({ ctx, input }) => listNotifications(ctx.handle.db, ctx.user.accountId, input)),

  unreadCount: authedProcedure
    .output(z.number())
    .query(({ ctx }) => unreadCount(ctx.handle.db, ctx.user.accountId)),

  markRead: authedProcedure
    .input(z.object({ id: notificationId }))
    .output(z.object({ id: z.number(), unread: z.number() }))
    .mutation(({ ctx, input }) => markRead(ctx.handle.db, ctx.user.accountId, input.id)),

  markAllRead: authedProcedure
    .output(z.object({ unread: z.number() }))
    .mutation(({ ctx }) => markAllRead(ctx.handle.db, ctx.user.accountId)),

  preference: authedProcedure
    .output(z.object({ emailDigest: digestMode, emailConfigured: z.boolean() }))
    .query(async ({ ctx }) => ({
      emailDigest: await digestPreference(ctx.handle.db, ctx.user.userId),
      emailConfigured: serverEnv().smtpUrl !== null,
    })),

  setPreference: authedProcedure
    .input(z.object({ emailDigest: digestMode }))
    .output(z.object({ emailDigest: digestMode }))
    .mutation(({ ctx, input }) => setDigestPreference(ctx.handle.db, ctx.user.userId, input.emailDigest)),
});
