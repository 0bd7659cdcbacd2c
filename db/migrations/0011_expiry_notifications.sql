CREATE TYPE "public"."email_digest" AS ENUM('off', 'daily', 'immediate');--> statement-breakpoint
CREATE TABLE "email_deliveries" (
	"notification_id" bigint NOT NULL,
	"user_id" text NOT NULL,
	"digest_id" bigint NOT NULL,
	CONSTRAINT "email_deliveries_pk" PRIMARY KEY("notification_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "email_digests" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "email_digests_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"user_id" text NOT NULL,
	"mode" "email_digest" NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "expiry_notifications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "expiry_notifications_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account_id" text NOT NULL,
	"coupon_id" text NOT NULL,
	"threshold_days" integer NOT NULL,
	"generation" integer NOT NULL,
	"balance_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone,
	CONSTRAINT "expiry_notifications_threshold" CHECK ("expiry_notifications"."threshold_days" IN (30, 7, 1))
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "email_digest" "email_digest" DEFAULT 'daily' NOT NULL;--> statement-breakpoint
ALTER TABLE "email_deliveries" ADD CONSTRAINT "email_deliveries_notification_id_expiry_notifications_id_fk" FOREIGN KEY ("notification_id") REFERENCES "public"."expiry_notifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_deliveries" ADD CONSTRAINT "email_deliveries_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_deliveries" ADD CONSTRAINT "email_deliveries_digest_id_email_digests_id_fk" FOREIGN KEY ("digest_id") REFERENCES "public"."email_digests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_digests" ADD CONSTRAINT "email_digests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expiry_notifications" ADD CONSTRAINT "expiry_notifications_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "expiry_notifications" ADD CONSTRAINT "expiry_notifications_coupon_id_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."coupons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "email_digests_user_idx" ON "email_digests" USING btree ("user_id","claimed_at");--> statement-breakpoint
CREATE UNIQUE INDEX "expiry_notifications_once" ON "expiry_notifications" USING btree ("coupon_id","account_id","threshold_days","generation");--> statement-breakpoint
CREATE INDEX "expiry_notifications_account_idx" ON "expiry_notifications" USING btree ("account_id","id");--> statement-breakpoint
CREATE INDEX "expiry_notifications_unread_idx" ON "expiry_notifications" USING btree ("account_id") WHERE "expiry_notifications"."read_at" IS NULL;--> statement-breakpoint
CREATE INDEX "coupon_ledger_refund_idx" ON "coupon_ledger" USING btree ("coupon_id") WHERE "coupon_ledger"."type" = 'Refund';