import { z } from "zod";
import { getOrder, listOrders, paymentOptions } from "@/server/orders/queries";
import { refundOrder } from "@/server/orders/refund";
import { refundPreview } from "@/server/orders/refund-preview";
import { createOrderInput, orderId, ordersListInput, payInput, refundInput } from "@/server/orders/schema";
import { cancelOrder, createOrder, payOrder, renewOrder } from "@/server/orders/service";
import { authedProcedure, router, sessionProcedure } from "../init";

/** Orders act on the caller's own account: paying is for the account that owns the order. */
export const ordersRouter = router({
  list: authedProcedure
    .input(ordersListInput)
    .query(({ ctx, input }) => listOrders(ctx.handle.db, ctx.user.accountId, input.cursor, input.limit)),
  get: authedProcedure
    .input(z.object({ id: orderId }))
    .query(({ ctx, input }) => getOrder(ctx.handle.db, ctx.user.accountId, input.id)),
  create: authedProcedure
    .input(createOrderInput)
    .mutation(({ ctx, input }) => createOrder(ctx.handle.db, ctx.user, input)),
  /** A pending order the customer no longer wants. */
  cancel: authedProcedure
    .input(z.object({ id: orderId }))
    .mutation(({ ctx, input }) => cancelOrder(ctx.handle.db, ctx.user, input.id)),
  renew: authedProcedure
    .input(z.object({ id: orderId }))
    .mutation(({ ctx, input }) => renewOrder(ctx.handle.db, ctx.user, input.id)),
  /** The payment page: order information, applicable vouchers with the default, and the unavailable ones with reasons. */
  paymentOptions: authedProcedure
    .input(z.object({ id: orderId }))
    .query(({ ctx, input }) => paymentOptions(ctx.handle.db, ctx.user.accountId, input.id)),
  /** Unsubscribe: refund part or all of a paid order once; the dated rules decide the voucher part (R-REF-1..5). */
  refund: authedProcedure
    .input(refundInput)
    .mutation(({ ctx, input }) => refundOrder(ctx.handle.db, ctx.user, input)),
  /** What unsubscribing would refund, and how it splits under the rule in force; changes nothing. */
  refundPreview: authedProcedure
    .input(refundInput.omit({ idempotencyKey: true }))
    .query(({ ctx, input }) => refundPreview(ctx.handle.db, ctx.user.accountId, input.orderId, input.amount)),
  /** One statement checks the session and pays (decision 009). */
  pay: sessionProcedure
    .input(payInput)
    .mutation(({ ctx, input }) => payOrder(ctx.handle.db, ctx.caller, input)),
});
