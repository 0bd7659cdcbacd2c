import { migrateDatabase, openDatabase } from "@/db/client";
import { seed } from "@/db/seed";
import { createCaller } from "@/server/trpc/root";

const handle = await openDatabase({ url: process.env.DATABASE_URL ?? null, pgliteDir: null });
await migrateDatabase(handle);
await handle.db.transaction((tx) => seed(tx));
const caller = createCaller({
  handle,
  sessionToken: undefined,
  user: {
    userId: "u-alice",
    email: "",
    name: "",
    role: "customer",
    accountId: "5000000000000101",
    accountName: "",
    timeZone: "Asia/Shanghai",
    currency: "USD",
  },
});
const o = await caller.orders.create({
  productCode: "ecs",
  paymentType: "Subscription",
  transactionType: "New Purchase",
  amount: "120.50",
});
const opts = await caller.orders.paymentOptions({ id: o.id });
console.log(
  opts.defaultVoucherId,
  opts.applicableCount,
  opts.unavailableCount,
  opts.applicable.slice(0, 3).map((a) => [a.id, a.balanceMinor, a.deductionMinor]),
);
console.log(opts.unavailable.slice(0, 6).map((u) => [u.id, u.reasons.map((r) => r.code)]));
const first = opts.applicable[0]!;
const r = await caller.orders.pay({
  orderId: o.id,
  couponId: first.id,
  expectedDeductionMinor: first.deductionMinor,
  idempotencyKey: "k-000000001",
});
console.log(r);
console.log(
  await caller.orders.pay({
    orderId: o.id,
    couponId: first.id,
    expectedDeductionMinor: first.deductionMinor,
    idempotencyKey: "k-000000001",
  }),
);
try {
  await caller.orders.pay({
    orderId: o.id,
    couponId: null,
    expectedDeductionMinor: 0,
    idempotencyKey: "k-000000002",
  });
} catch (e) {
  console.log("2nd:", (e as Error).message);
}
try {
  await caller.orders.pay({
    orderId: o.id,
    couponId: null,
    expectedDeductionMinor: 0,
    idempotencyKey: "k-000000001",
  });
} catch (e) {
  console.log("reuse:", (e as Error).message);
}
const r2 = await caller.orders.renew({ id: o.id });
const o2 = await caller.orders.paymentOptions({ id: r2.id });
console.log(
  "renewal",
  o2.order.transactionType,
  o2.defaultVoucherId,
  o2.applicable.some((a) => a.id === "CP-RNWL-0001"),
);
try {
  await caller.orders.pay({
    orderId: r2.id,
    couponId: o2.defaultVoucherId,
    expectedDeductionMinor: 1,
    idempotencyKey: "k-000000003",
  });
} catch (e) {
  console.log("changed:", (e as Error).message);
}
console.log(
  (await caller.orders.list({ limit: 3 })).items.map((i) => [
    i.id,
    i.status,
    i.voucherMinor,
    i.cashMinor,
    i.invoiceableMinor,
  ]),
);
await handle.close();
