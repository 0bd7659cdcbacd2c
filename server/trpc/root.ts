import { createCallerFactory, router } from "./init";
import { catalogRouter, healthRouter } from "./routers/catalog";
import { couponsRouter } from "./routers/coupons";
import { operatorRouter } from "./routers/operator";
import { ordersRouter } from "./routers/orders";

export const appRouter = router({
  coupons: couponsRouter,
  operator: operatorRouter,
  orders: ordersRouter,
  catalog: catalogRouter,
  health: healthRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
