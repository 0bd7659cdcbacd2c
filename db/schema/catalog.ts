import { boolean, pgEnum, pgTable, text } from "drizzle-orm/pg-core";

export const paymentType = pgEnum("payment_type", ["Subscription", "Pay-as-you-go"]);
export const transactionType = pgEnum("transaction_type", [
  "New Purchase",
  "Renewal",
  "Upgrade",
  "OS Replacement",
  "Trial Conversion",
]);

/** Commodities. `excludedFromGeneral` is the general-voucher exclusion list (R-MATCH-2), kept as data. */
export const products = pgTable("products", {
  code: text().primaryKey(),
  name: text().notNull(),
  excludedFromGeneral: boolean().notNull().default(false),
  isResourcePlan: boolean().notNull().default(false),
});
