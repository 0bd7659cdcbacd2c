-- voucher_reasons() answers bits and vouchers_by_priority() carries them (db/sql): a function's
-- return type cannot be replaced in place, so the earlier versions go; the migrator re-creates both.
DROP FUNCTION IF EXISTS vouchers_by_priority(text, text, text, boolean, payment_type, transaction_type, bigint, timestamptz);--> statement-breakpoint
DROP FUNCTION IF EXISTS voucher_reasons(coupons, boolean, text, text, boolean, payment_type, transaction_type, bigint, timestamptz);--> statement-breakpoint
DROP FUNCTION IF EXISTS voucher_priority(coupons);
