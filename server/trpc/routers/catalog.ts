import { products } from "@/db/schema";
import { authedProcedure, publicProcedure, router } from "../init";

export const catalogRouter = router({
  products: authedProcedure.query(({ ctx }) => ctx.handle.db.select().from(products).orderBy(products.code)),
});

/** The framework's floor for benchmarks: no session, no database. */
export const healthRouter = router({
  ping: publicProcedure.query(() => "pong"),
});
