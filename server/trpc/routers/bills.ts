import { billScope, getBill, listBills, listInvoices } from "@/server/bills/queries";
import {
  billGetInput,
  billsListInput,
  closeBillInput,
  closeCycleInput,
  invoicesInput,
  recordUsageInput,
} from "@/server/bills/schema";
import { closeBill, closeCycle, recordUsage } from "@/server/bills/service";
import { viewableAccounts } from "@/server/auth/access";
import { authedProcedure, operatorProcedure, router } from "../init";

/**
 * Billing > Bills (R-PAYG-1). Reading needs the Bills permission for another account (R-ENT-3);
 * recording usage and closing cycles are the platform operator's.
 */
export const billsRouter = router({
  /** The accounts offered in the Bills page's account filter. */
  accounts: authedProcedure.query(({ ctx }) => viewableAccounts(ctx.handle.db, ctx.user, "bills")),
  list: authedProcedure.input(billsListInput).query(async ({ ctx, input }) => {
    const scope = await billScope(ctx.handle.db, ctx.user, input.accountId, "bills");
    return listBills(ctx.handle.db, scope, input.cursor, input.limit);
  }),
  get: authedProcedure
    .input(billGetInput)
    .query(({ ctx, input }) => getBill(ctx.handle.db, ctx.user, input.id, input.cursor, input.limit)),
  recordUsage: operatorProcedure
    .input(recordUsageInput)
    .mutation(({ ctx, input }) => recordUsage(ctx.handle.db, input)),
  close: operatorProcedure
    .input(closeBillInput)
    .mutation(({ ctx, input }) => closeBill(ctx.handle.db, ctx.user, input.id)),
  closeCycle: operatorProcedure
    .input(closeCycleInput)
    .mutation(({ ctx, input }) => closeCycle(ctx.handle.db, ctx.user, input.cycle)),
});

/** Billing > Invoices (R-INV-1): the Invoices permission opens another account's. */
export const invoicesRouter = router({
  accounts: authedProcedure.query(({ ctx }) => viewableAccounts(ctx.handle.db, ctx.user, "invoices")),
  list: authedProcedure.input(invoicesInput).query(async ({ ctx, input }) => {
    const scope = await billScope(ctx.handle.db, ctx.user, input.accountId, "invoices");
    return listInvoices(ctx.handle.db, scope, input.month, input.limit);
  }),
});
