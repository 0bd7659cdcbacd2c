import { sql } from "drizzle-orm";
import { rows } from "@/db/client";
import { issueCoupon } from "@/server/vouchers/service";
import { issueInput } from "@/server/vouchers/schema";
import { operatorProcedure, router } from "../init";

export const operatorRouter = router({
  /** Every account, with its voucher count: the operator sees all accounts. */
  accounts: operatorProcedure.query(async ({ ctx }) => {
    const found = await rows<{ id: string; name: string; currency: string; coupons: string }>(
      ctx.handle.db,
      sql`SELECT a.id, a.name, a.currency, (SELECT count(*) FROM coupons c WHERE c.account_id = a.id)::text AS coupons
          FROM accounts a ORDER BY a.id LIMIT 500`,
    );
    return found.map((a) => ({ ...a, coupons: Number(a.coupons) }));
  }),

  /** Direct issuance (R-VOU-1): writes the voucher and its Issuance ledger row. */
  issue: operatorProcedure
    .input(issueInput)
    .mutation(({ ctx, input }) => issueCoupon(ctx.handle.db, ctx.user, input)),
});
