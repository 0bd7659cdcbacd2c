import { createCallerFactory, router } from "./init";
import { billsRouter, invoicesRouter } from "./routers/bills";
import { catalogRouter, healthRouter } from "./routers/catalog";
import { couponsRouter } from "./routers/coupons";
import { enterpriseRouter } from "./routers/enterprise";
import { meRouter } from "./routers/me";
import { notificationsRouter } from "./routers/notifications";
import { operatorRouter } from "./routers/operator";
import { ordersRouter } from "./routers/orders";
import { quotaPoolRouter } from "./routers/quota-pool";

export const appRouter = router({
  coupons: couponsRouter,
  operator: operatorRouter,
  orders: ordersRouter,
  bills: billsRouter,
  invoices: invoicesRouter,
  enterprise: enterpriseRouter,
  quotaPool: quotaPoolRouter,
  notifications: notificationsRouter,
  catalog: catalogRouter,
  health: healthRouter,
  me: meRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
