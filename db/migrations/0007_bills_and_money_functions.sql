DROP INDEX "bill_lines_bill_idx";--> statement-breakpoint
ALTER TABLE "bill_lines" ADD COLUMN "usage_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "bill_lines" ADD COLUMN "description" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "bills" ADD COLUMN "created_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "bills_cycle_status_idx" ON "bills" USING btree ("cycle","status","id");--> statement-breakpoint
CREATE INDEX "coupon_ledger_bill_idx" ON "coupon_ledger" USING btree ("bill_id","bill_line_id") WHERE "coupon_ledger"."bill_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "bill_lines_bill_idx" ON "bill_lines" USING btree ("bill_id","usage_at","id");--> statement-breakpoint
-- The money rules move out of migrations into db/sql/*.sql (one function per file, re-applied by the
-- migrator whenever a file's text changes: decision 013). Their new signatures replace these.
DROP FUNCTION IF EXISTS pay_order(text, text, text, text, text, text, bigint);--> statement-breakpoint
DROP FUNCTION IF EXISTS voucher_reasons(coupons, orders, boolean, timestamptz);--> statement-breakpoint
-- Which version of each db/sql/*.sql file the database runs (applied by db/client.ts after the
-- migrations, whenever a file's text changes).
CREATE TABLE sql_functions (
  name text PRIMARY KEY,
  sha256 text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);
