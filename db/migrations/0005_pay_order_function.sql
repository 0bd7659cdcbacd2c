-- Why a voucher cannot pay an order at instant `at` (R-MATCH-2): the SQL twin of
-- unavailableReasons() in server/orders/rules.ts, same codes, same order; empty when it applies.
-- tests/orders-pay-function.test.ts keeps the two in step.
CREATE FUNCTION voucher_reasons(c coupons, o orders, usable boolean, at timestamptz)
RETURNS text[] LANGUAGE sql STABLE AS $$
  SELECT array_remove(ARRAY[
    CASE WHEN NOT usable THEN 'NOT_USABLE_BY_ACCOUNT' END,
    CASE WHEN c.reclaimed_at IS NOT NULL THEN 'RECLAIMED'
         WHEN at >= c.expires_at THEN 'EXPIRED'
         WHEN at < c.effective_from THEN 'NOT_YET_EFFECTIVE'
         WHEN c.balance_minor <= 0 THEN 'USED_UP' END,
    CASE WHEN c.currency <> o.currency THEN 'CURRENCY_MISMATCH' END,
    CASE WHEN cardinality(c.commodities) = 0 THEN
           CASE WHEN EXISTS (SELECT 1 FROM products p WHERE p.code = o.product_code AND p.excluded_from_general)
                THEN 'PRODUCT_EXCLUDED_FROM_GENERAL' END
         WHEN NOT (o.product_code = ANY (c.commodities)) THEN 'PRODUCT_NOT_COVERED' END,
    CASE WHEN cardinality(c.scopes) > 0 AND NOT (o.transaction_type = ANY (c.scopes)) THEN 'SCOPE_NOT_COVERED' END,
    CASE WHEN NOT (o.payment_type = ANY (c.payment_types)) THEN 'PAYMENT_TYPE_NOT_COVERED' END,
    CASE WHEN o.amount_minor < c.min_order_minor THEN 'BELOW_MIN_ORDER' END
  ], NULL)
$$;
--> statement-breakpoint
-- Confirms a payment (R-MATCH-5..7) exactly once, in one statement: one round trip, so the
-- voucher's row lock is held only while the database works, never across the network.
-- Locks in a fixed order: idempotency key -> order -> voucher. Validity is judged with one
-- clock reading taken under the voucher's lock, and that same instant stamps the ledger row and
-- the payment (R-TIME-1, INV-7). Every refusal raises SQLSTATE 'VCPAY' with the domain code as
-- the message and JSON facts as the detail; the statement then rolls back whole (the key claim
-- too): nothing is charged. server/orders/service.ts turns these into DomainErrors.
CREATE FUNCTION pay_order(
  p_account text, p_user text, p_key text, p_hash text,
  p_order text, p_coupon text, p_expected bigint
) RETURNS jsonb LANGUAGE plpgsql SET lock_timeout = '5s' AS $$
DECLARE
  k idempotency_keys%ROWTYPE;
  o orders%ROWTYPE;
  c coupons%ROWTYPE;
  at timestamptz;
  why text[];
  deduction bigint := 0;
  after bigint;
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
    -- Only cash vouchers the account owns or that are shared with it; anything else is "not found".
    SELECT * INTO c FROM coupons
      WHERE id = p_coupon AND coupon_type = 'Cash Coupon'
        AND (account_id = p_account
             OR EXISTS (SELECT 1 FROM coupon_shares s WHERE s.coupon_id = p_coupon AND s.account_id = p_account))
      FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'VCPAY', MESSAGE = 'VOUCHER_NOT_FOUND', DETAIL = '{}';
    END IF;
    at := clock_timestamp();
    why := voucher_reasons(c, o, true, at);
    IF cardinality(why) > 0 THEN
      RAISE EXCEPTION USING ERRCODE = 'VCPAY', MESSAGE = 'VOUCHER_NOT_APPLICABLE',
        DETAIL = json_build_object('reasons', why)::text;
    END IF;
    deduction := least(c.balance_minor, o.amount_minor);
    IF deduction <> p_expected THEN
      RAISE EXCEPTION USING ERRCODE = 'VCPAY', MESSAGE = 'VOUCHER_CHANGED',
        DETAIL = json_build_object('deduction', deduction, 'currency', o.currency)::text;
    END IF;
    -- The row is locked and judged; the condition still guards the write.
    UPDATE coupons SET balance_minor = balance_minor - deduction
      WHERE id = c.id AND balance_minor >= deduction
      RETURNING balance_minor INTO after;
    INSERT INTO coupon_ledger (coupon_id, account_id, actor_user_id, type, amount_minor, balance_after_minor, order_id, created_at)
      VALUES (c.id, p_account, p_user, 'Deduction', deduction, after, o.id, at);
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
