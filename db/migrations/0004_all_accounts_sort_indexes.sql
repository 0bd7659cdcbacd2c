CREATE INDEX "coupons_balance_idx" ON "coupons" USING btree ("balance_minor","id");--> statement-breakpoint
CREATE INDEX "coupons_expiry_idx" ON "coupons" USING btree ("expires_at","id");--> statement-breakpoint
CREATE INDEX "coupons_issued_idx" ON "coupons" USING btree ("issued_at","id");