CREATE TYPE "public"."membership_status" AS ENUM('invited', 'active', 'removed');--> statement-breakpoint
CREATE TYPE "public"."permission_code" AS ENUM('cards_and_coupons', 'orders', 'bills', 'invoices', 'quota_pool');--> statement-breakpoint
CREATE TYPE "public"."user_role" AS ENUM('customer', 'operator');--> statement-breakpoint
CREATE TYPE "public"."bill_status" AS ENUM('Open', 'Closed');--> statement-breakpoint
CREATE TYPE "public"."order_status" AS ENUM('Pending Payment', 'Paid', 'Refunded', 'Partially Refunded', 'Cancelled');--> statement-breakpoint
CREATE TYPE "public"."pool_entry_type" AS ENUM('Move In', 'Generate', 'Reclaim', 'Refund');--> statement-breakpoint
CREATE TYPE "public"."refund_rule_mode" AS ENUM('cash_only', 'proportional');--> statement-breakpoint
CREATE TYPE "public"."payment_type" AS ENUM('Subscription', 'Pay-as-you-go');--> statement-breakpoint
CREATE TYPE "public"."transaction_type" AS ENUM('New Purchase', 'Renewal', 'Upgrade', 'OS Replacement', 'Trial Conversion');--> statement-breakpoint
CREATE TYPE "public"."coupon_source" AS ENUM('Direct issuance', 'Campaign', 'Quota pool');--> statement-breakpoint
CREATE TYPE "public"."coupon_type" AS ENUM('Cash Coupon', 'Discount Coupon');--> statement-breakpoint
CREATE TYPE "public"."ledger_type" AS ENUM('Issuance', 'Deduction', 'Refund', 'Reclaim', 'Expiry');--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"time_zone" text DEFAULT 'Asia/Shanghai' NOT NULL,
	"currency" text DEFAULT 'USD' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "admin_permissions" (
	"user_id" text NOT NULL,
	"financial_account_id" text NOT NULL,
	"permission" "permission_code" NOT NULL,
	"granted_by" text,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enterprise_members" (
	"enterprise_id" text NOT NULL,
	"account_id" text NOT NULL,
	"status" "membership_status" DEFAULT 'invited' NOT NULL,
	"invited_at" timestamp with time zone DEFAULT now() NOT NULL,
	"joined_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "enterprises" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"master_account_id" text NOT NULL,
	"enabled_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "enterprises_masterAccountId_unique" UNIQUE("master_account_id")
);
--> statement-breakpoint
CREATE TABLE "financial_relationships" (
	"id" text PRIMARY KEY NOT NULL,
	"enterprise_id" text NOT NULL,
	"financial_account_id" text NOT NULL,
	"member_account_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "financial_rel_not_self" CHECK ("financial_relationships"."financial_account_id" <> "financial_relationships"."member_account_id")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"account_id" text NOT NULL,
	"role" "user_role" DEFAULT 'customer' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"enterprise_id" text,
	"actor_user_id" text,
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"before_minor" bigint,
	"after_minor" bigint,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bill_lines" (
	"id" text PRIMARY KEY NOT NULL,
	"bill_id" text NOT NULL,
	"product_code" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"voucher_minor" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "bill_lines_amount_pos" CHECK ("bill_lines"."amount_minor" > 0),
	CONSTRAINT "bill_lines_voucher_le_amount" CHECK ("bill_lines"."voucher_minor" >= 0 AND "bill_lines"."voucher_minor" <= "bill_lines"."amount_minor")
);
--> statement-breakpoint
CREATE TABLE "bills" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"cycle" text NOT NULL,
	"currency" text NOT NULL,
	"status" "bill_status" DEFAULT 'Open' NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"account_id" text NOT NULL,
	"key" text NOT NULL,
	"operation" text NOT NULL,
	"request_hash" text NOT NULL,
	"response" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_account_id_key_pk" PRIMARY KEY("account_id","key")
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"product_code" text NOT NULL,
	"payment_type" "payment_type" NOT NULL,
	"transaction_type" "transaction_type" NOT NULL,
	"currency" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"status" "order_status" DEFAULT 'Pending Payment' NOT NULL,
	"coupon_id" text,
	"voucher_minor" bigint DEFAULT 0 NOT NULL,
	"cash_minor" bigint DEFAULT 0 NOT NULL,
	"renewal_of_order_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_at" timestamp with time zone,
	CONSTRAINT "orders_amount_pos" CHECK ("orders"."amount_minor" > 0),
	CONSTRAINT "orders_parts_nonneg" CHECK ("orders"."voucher_minor" >= 0 AND "orders"."cash_minor" >= 0),
	CONSTRAINT "orders_parts_sum" CHECK ("orders"."status" = 'Pending Payment' OR "orders"."status" = 'Cancelled' OR "orders"."voucher_minor" + "orders"."cash_minor" = "orders"."amount_minor")
);
--> statement-breakpoint
CREATE TABLE "pool_ledger" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "pool_ledger_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"pool_id" text NOT NULL,
	"type" "pool_entry_type" NOT NULL,
	"amount_minor" bigint NOT NULL,
	"funds_after_minor" bigint NOT NULL,
	"coupon_id" text,
	"actor_user_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pool_ledger_amount_pos" CHECK ("pool_ledger"."amount_minor" > 0)
);
--> statement-breakpoint
CREATE TABLE "quota_pools" (
	"id" text PRIMARY KEY NOT NULL,
	"enterprise_id" text NOT NULL,
	"currency" text NOT NULL,
	"funds_minor" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quota_pools_funds_nonneg" CHECK ("quota_pools"."funds_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "refund_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"applies_to" text NOT NULL,
	"mode" "refund_rule_mode" NOT NULL,
	"description" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"voucher_returned_minor" bigint NOT NULL,
	"cash_refunded_minor" bigint NOT NULL,
	"rule_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refunds_parts" CHECK ("refunds"."voucher_returned_minor" + "refunds"."cash_refunded_minor" <= "refunds"."amount_minor")
);
--> statement-breakpoint
CREATE TABLE "products" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"excluded_from_general" boolean DEFAULT false NOT NULL,
	"is_resource_plan" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "coupon_ledger" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "coupon_ledger_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"coupon_id" text NOT NULL,
	"account_id" text NOT NULL,
	"actor_user_id" text,
	"type" "ledger_type" NOT NULL,
	"amount_minor" bigint NOT NULL,
	"balance_after_minor" bigint NOT NULL,
	"order_id" text,
	"bill_id" text,
	"bill_line_id" text,
	"refund_id" text,
	"note" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "coupon_ledger_amount_pos" CHECK ("coupon_ledger"."amount_minor" > 0),
	CONSTRAINT "coupon_ledger_balance_after_nonneg" CHECK ("coupon_ledger"."balance_after_minor" >= 0)
);
--> statement-breakpoint
CREATE TABLE "coupon_shares" (
	"coupon_id" text NOT NULL,
	"account_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "coupon_shares_coupon_id_account_id_pk" PRIMARY KEY("coupon_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "coupons" (
	"id" text PRIMARY KEY NOT NULL,
	"account_id" text NOT NULL,
	"coupon_type" "coupon_type" DEFAULT 'Cash Coupon' NOT NULL,
	"currency" text NOT NULL,
	"nominal_minor" bigint NOT NULL,
	"balance_minor" bigint NOT NULL,
	"discount_bps" integer,
	"discount_cap_minor" bigint,
	"commodities" text[] DEFAULT '{}'::text[] NOT NULL,
	"scopes" "transaction_type"[] DEFAULT '{}'::transaction_type[] NOT NULL,
	"payment_types" "payment_type"[] DEFAULT '{Subscription,Pay-as-you-go}'::payment_type[] NOT NULL,
	"min_order_minor" bigint DEFAULT 0 NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"source" "coupon_source" DEFAULT 'Direct issuance' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"shared" boolean DEFAULT false NOT NULL,
	"pool_id" text,
	"reclaimed_at" timestamp with time zone,
	CONSTRAINT "coupons_balance_nonneg" CHECK ("coupons"."balance_minor" >= 0),
	CONSTRAINT "coupons_balance_le_nominal" CHECK ("coupons"."balance_minor" <= "coupons"."nominal_minor"),
	CONSTRAINT "coupons_nominal_pos" CHECK ("coupons"."nominal_minor" > 0),
	CONSTRAINT "coupons_min_order_nonneg" CHECK ("coupons"."min_order_minor" >= 0),
	CONSTRAINT "coupons_validity" CHECK ("coupons"."expires_at" > "coupons"."effective_from"),
	CONSTRAINT "coupons_discount_fields" CHECK (("coupons"."coupon_type" = 'Cash Coupon') = ("coupons"."discount_bps" IS NULL))
);
--> statement-breakpoint
ALTER TABLE "admin_permissions" ADD CONSTRAINT "admin_permissions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admin_permissions" ADD CONSTRAINT "admin_permissions_financial_account_id_accounts_id_fk" FOREIGN KEY ("financial_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admin_permissions" ADD CONSTRAINT "admin_permissions_granted_by_users_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enterprise_members" ADD CONSTRAINT "enterprise_members_enterprise_id_enterprises_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."enterprises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enterprise_members" ADD CONSTRAINT "enterprise_members_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enterprises" ADD CONSTRAINT "enterprises_master_account_id_accounts_id_fk" FOREIGN KEY ("master_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "financial_relationships" ADD CONSTRAINT "financial_relationships_enterprise_id_enterprises_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."enterprises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "financial_relationships" ADD CONSTRAINT "financial_relationships_financial_account_id_accounts_id_fk" FOREIGN KEY ("financial_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "financial_relationships" ADD CONSTRAINT "financial_relationships_member_account_id_accounts_id_fk" FOREIGN KEY ("member_account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_enterprise_id_enterprises_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."enterprises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bill_lines" ADD CONSTRAINT "bill_lines_bill_id_bills_id_fk" FOREIGN KEY ("bill_id") REFERENCES "public"."bills"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bill_lines" ADD CONSTRAINT "bill_lines_product_code_products_code_fk" FOREIGN KEY ("product_code") REFERENCES "public"."products"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bills" ADD CONSTRAINT "bills_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_product_code_products_code_fk" FOREIGN KEY ("product_code") REFERENCES "public"."products"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_coupon_id_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."coupons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pool_ledger" ADD CONSTRAINT "pool_ledger_pool_id_quota_pools_id_fk" FOREIGN KEY ("pool_id") REFERENCES "public"."quota_pools"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pool_ledger" ADD CONSTRAINT "pool_ledger_coupon_id_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."coupons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "pool_ledger" ADD CONSTRAINT "pool_ledger_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "quota_pools" ADD CONSTRAINT "quota_pools_enterprise_id_enterprises_id_fk" FOREIGN KEY ("enterprise_id") REFERENCES "public"."enterprises"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_rule_id_refund_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."refund_rules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_ledger" ADD CONSTRAINT "coupon_ledger_coupon_id_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."coupons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_ledger" ADD CONSTRAINT "coupon_ledger_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_ledger" ADD CONSTRAINT "coupon_ledger_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_shares" ADD CONSTRAINT "coupon_shares_coupon_id_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."coupons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupon_shares" ADD CONSTRAINT "coupon_shares_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "admin_permissions_key" ON "admin_permissions" USING btree ("user_id","financial_account_id","permission");--> statement-breakpoint
CREATE UNIQUE INDEX "enterprise_members_pk" ON "enterprise_members" USING btree ("enterprise_id","account_id");--> statement-breakpoint
CREATE INDEX "enterprise_members_account_idx" ON "enterprise_members" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "financial_rel_financial_idx" ON "financial_relationships" USING btree ("financial_account_id","member_account_id");--> statement-breakpoint
CREATE INDEX "financial_rel_member_idx" ON "financial_relationships" USING btree ("member_account_id");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE INDEX "users_account_idx" ON "users" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "audit_log_enterprise_idx" ON "audit_log" USING btree ("enterprise_id","id");--> statement-breakpoint
CREATE INDEX "bill_lines_bill_idx" ON "bill_lines" USING btree ("bill_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bills_account_cycle_key" ON "bills" USING btree ("account_id","cycle");--> statement-breakpoint
CREATE INDEX "orders_account_idx" ON "orders" USING btree ("account_id","created_at","id");--> statement-breakpoint
CREATE INDEX "pool_ledger_pool_idx" ON "pool_ledger" USING btree ("pool_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "quota_pools_enterprise_key" ON "quota_pools" USING btree ("enterprise_id","currency");--> statement-breakpoint
CREATE INDEX "refunds_order_idx" ON "refunds" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "coupon_ledger_coupon_idx" ON "coupon_ledger" USING btree ("coupon_id","created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "coupon_ledger_one_deduction_per_order" ON "coupon_ledger" USING btree ("order_id") WHERE "coupon_ledger"."type" = 'Deduction' AND "coupon_ledger"."order_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "coupon_ledger_one_deduction_per_bill_line" ON "coupon_ledger" USING btree ("bill_line_id","coupon_id") WHERE "coupon_ledger"."type" = 'Deduction' AND "coupon_ledger"."bill_line_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "coupon_shares_account_idx" ON "coupon_shares" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "coupons_account_balance_idx" ON "coupons" USING btree ("account_id","balance_minor","id");--> statement-breakpoint
CREATE INDEX "coupons_account_expiry_idx" ON "coupons" USING btree ("account_id","expires_at","id");--> statement-breakpoint
CREATE INDEX "coupons_account_issued_idx" ON "coupons" USING btree ("account_id","issued_at","id");--> statement-breakpoint
CREATE INDEX "coupons_pool_idx" ON "coupons" USING btree ("pool_id");