import { viewableAccounts } from "@/server/auth/access";
import {
  balanceSeries,
  couponDetails,
  couponHistory,
  couponTotals,
  listCoupons,
  sharedWithAccount,
} from "@/server/vouchers/queries";
import { expiryForecast } from "@/server/vouchers/forecast";
import { historyInput, listFilters, listInput } from "@/server/vouchers/schema";
import {
  accountInput,
  accountProcedure,
  accountScope,
  authedProcedure,
  couponProcedure,
  router,
  sessionProcedure,
  sessionUser,
} from "../init";

export const couponsRouter = router({
  /** The account filter's choices (R-ENT-4): own account first, then those administered with Cards and Coupons. */
  accounts: authedProcedure.query(({ ctx }) => viewableAccounts(ctx.handle.db, ctx.user)),

  /** Vouchers other accounts share with the caller's account (R-POOL-3). */
  shared: authedProcedure.query(({ ctx }) => sharedWithAccount(ctx.handle.db, ctx.user.accountId)),

  /**
   * Coupons tab page (R-LIST-1..3). For a cookie caller one statement checks the session and the
   * right to the account(s) and reads the page (decision 009). When it finds no rows, the ordinary
   * path says why (not signed in, account not found, the operator's "All") or returns the empty page.
   */
  list: sessionProcedure
    .input(listInput.extend(accountInput.shape))
    // The shape is listOutput, built field by field from typed columns; the tests check every page
    // of every list shape against it, rather than each response here (decision 009).
    .query(async ({ ctx, input }) => {
      const db = ctx.handle.db;
      if ("sessionHash" in ctx.caller) {
        const scope = {
          kind: "session",
          sessionHash: ctx.caller.sessionHash,
          requested: input.accountId,
        } as const;
        const page = await listCoupons(db, scope, input);
        if (page.items.length > 0) return page;
      }
      return listCoupons(db, await accountScope(db, await sessionUser(ctx), input.accountId), input);
    }),

  /** Totals above the table (R-LIST-4). */
  totals: accountProcedure
    .input(listFilters)
    .query(({ ctx, input }) => couponTotals(ctx.handle.db, ctx.scope, input)),

  /**
   * R-FORECAST-1: balance that will expire unused at the last 30 days' spending, for one account
   * (the caller's own or one it may view); null for "All" (a forecast is per account's spending).
   */
  forecast: accountProcedure.query(({ ctx }) =>
    ctx.scope.kind === "account" ? expiryForecast(ctx.handle.db, ctx.scope.accountId) : null,
  ),

  /** Summary for Coupon Deduction Details (R-DET-1). */
  get: couponProcedure.query(({ ctx }) => couponDetails(ctx.handle.db, ctx.coupon.id)),

  /** The deduction details table (R-DET-1). */
  history: couponProcedure
    .input(historyInput)
    .query(({ ctx, input }) => couponHistory(ctx.handle.db, ctx.coupon.id, input.cursor, input.limit)),

  /** Balance over time (R-DET-4). */
  series: couponProcedure.query(({ ctx }) => balanceSeries(ctx.handle.db, ctx.coupon.id)),
});
