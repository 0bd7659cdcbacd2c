-- Confirms a payment (R-MATCH-5..7) exactly once, in one statement: one round trip, so the
-- voucher's row lock is held only while the database works, never across the network.
-- Locks in a fixed order: idempotency key -> order -> voucher. Validity is judged with one
-- clock reading taken under the voucher's lock, and that same instant stamps the ledger row and
-- the payment (R-TIME-1). The rule is voucher_reasons(); the debit and its ledger row are
-- voucher_post(), the one writer of voucher money. Every refusal raises SQLSTATE 'VCPAY' with the
-- domain code as the message and JSON facts as the detail; the statement then rolls back whole (the
-- key claim too): nothing is charged. server/orders/service.ts turns these into DomainErrors.
CREATE OR REPLACE FUNCTION pay_order(
  p_account text, p_user text, p_key text, p_hash text,
  p_order text, p_coupon text, p_expected bigint
) RETURNS jsonb LANGUAGE plpgsql SET lock_timeout = '5s' AS $$
DECLARE
  k idempotency_keys%ROWTYPE;
  o orders%ROWTYPE;
  c coupons%ROWTYPE;
  excluded boolean;
  at timestamptz;
  why text[];
  deduction bigint := 0;
  answer jsonb;
BEGIN
  -- A concurrent duplicate waits here for the first claim, then sees its stored answer.
  INSERT INTO idempotency_keys (account_id, key, operation, request_hash)
    VALUES (p_account, p_key, 'orders.pay', p_hash) ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN
    SELECT * INTO k FROM idempotency_keys WHERE account_id = p_account AND key = p_key;
    IF k.operation <> 'orders.pay' OR k.request_hash <> p_hash THEN
      RAISE EXCEPTION USING ERRCODE = 'VCPAY', MESSAGE = 'IDEMPOTENCY_KEY_REUSED', DETAIL = '{}';
    END IF;
    IF k.response IS NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'VCPAY', MESSAGE = 'CONFLICT', DETAIL = '{}';
    END IF;
    RETURN k.response;
  END IF;

  SELECT * INTO o FROM orders WHERE id = p_order AND account_id = p_account FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'VCPAY', MESSAGE = 'ORDER_NOT_FOUND', DETAIL = '{}';
  END IF;
  IF o.status <> 'Pending Payment' THEN
    RAISE EXCEPTION USING ERRCODE = 'VCPAY', MESSAGE = 'ORDER_NOT_PENDING',
      DETAIL = json_build_object('status', o.status)::text;
  END IF;

  IF p_coupon IS NULL THEN
    IF p_expected <> 0 THEN
      RAISE EXCEPTION USING ERRCODE = 'VCPAY', MESSAGE = 'INVALID_INPUT', DETAIL = '{}';
    END IF;
    at := clock_timestamp();
  ELSE
    -- Only coupons the account owns or that are shared with it; anything else is "not found".
    SELECT * INTO c FROM coupons
      WHERE id = p_coupon
        AND (account_id = p_account
             OR EXISTS (SELECT 1 FROM coupon_shares s WHERE s.coupon_id = p_coupon AND s.account_id = p_account))
      FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'VCPAY', MESSAGE = 'VOUCHER_NOT_FOUND', DETAIL = '{}';
    END IF;
    SELECT p.excluded_from_general INTO excluded FROM products p WHERE p.code = o.product_code;
    at := clock_timestamp();
    why := reason_codes(voucher_reasons(c, true, o.currency, o.product_code, excluded, o.payment_type,
                                        o.transaction_type, o.amount_minor, at));
    IF cardinality(why) > 0 THEN
      RAISE EXCEPTION USING ERRCODE = 'VCPAY', MESSAGE = 'VOUCHER_NOT_APPLICABLE',
        DETAIL = json_build_object('reasons', why)::text;
    END IF;
    deduction := least(c.balance_minor, o.amount_minor);
    IF deduction <> p_expected THEN
      RAISE EXCEPTION USING ERRCODE = 'VCPAY', MESSAGE = 'VOUCHER_CHANGED',
        DETAIL = json_build_object('deduction', deduction, 'currency', o.currency)::text;
    END IF;
    PERFORM voucher_post(c.id, 'Deduction', deduction, p_account, p_user, at, p_order => o.id);
  END IF;

  UPDATE orders
     SET status = 'Paid', coupon_id = p_coupon, voucher_minor = deduction,
         cash_minor = o.amount_minor - deduction, paid_at = at
   WHERE id = o.id;
  answer := jsonb_build_object(
    'orderId', o.id, 'status', 'Paid', 'couponId', p_coupon,
    'voucherMinor', deduction, 'cashMinor', o.amount_minor - deduction,
    'paidAt', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'));
  UPDATE idempotency_keys SET response = answer WHERE account_id = p_account AND key = p_key;
  RETURN answer;
END $$;
