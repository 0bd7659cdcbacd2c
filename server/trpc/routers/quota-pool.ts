import { movableVouchers, poolOverview, poolVouchers } from "@/server/quota-pool/queries";
import {
  assignInput,
  generateInput,
  moveInInput,
  poolVouchersInput,
  reclaimInput,
} from "@/server/quota-pool/schema";
import { assign, generate, moveIn, reclaim } from "@/server/quota-pool/service";
import { authedProcedure, router } from "../init";

/** Coupon Quota Pool (R-POOL-1..5): administrators of the financial account with the Quota Pool permission. */
export const quotaPoolRouter = router({
  overview: authedProcedure.query(({ ctx }) => poolOverview(ctx.handle.db, ctx.user)),
  movable: authedProcedure.query(({ ctx }) => movableVouchers(ctx.handle.db, ctx.user)),
  vouchers: authedProcedure
    .input(poolVouchersInput)
    .query(({ ctx, input }) => poolVouchers(ctx.handle.db, ctx.user, input.cursor, input.limit)),
  moveIn: authedProcedure
    .input(moveInInput)
    .mutation(({ ctx, input }) => moveIn(ctx.handle.db, ctx.user, input)),
  generate: authedProcedure
    .input(generateInput)
    .mutation(({ ctx, input }) => generate(ctx.handle.db, ctx.user, input)),
  assign: authedProcedure
    .input(assignInput)
    .mutation(({ ctx, input }) => assign(ctx.handle.db, ctx.user, input)),
  reclaim: authedProcedure
    .input(reclaimInput)
    .mutation(({ ctx, input }) => reclaim(ctx.handle.db, ctx.user, input)),
});
