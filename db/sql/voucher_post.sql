-- The one writer of voucher money (R-VOU-4, R-VOU-5). Every balance change goes through here or
-- through voucher_post_batch(): issuance, a deduction for an order or a bill line, a refund, a reclaim
-- or a move into the quota pool. It takes the voucher's row lock and reads the clock once under it
-- (or takes the instant a caller that already holds the lock judged at), changes the balance only if
-- it stays within 0 <= balance <= nominal (one conditional UPDATE), and appends the ledger row
-- stamped with that same instant. Nothing else writes coupons.balance_minor or coupon_ledger
-- (tests/money-writer.test.ts fails if anything does).
--
-- Issuance and Refund add, Deduction and Reclaim subtract. `p_reclaim` also marks the voucher
-- Reclaimed (with the same instant); a reclaim of an empty voucher passes 0 and writes no ledger row.
-- Refusals raise SQLSTATE 'VCPAY' with a code as the message: VOUCHER_NOT_FOUND,
-- INSUFFICIENT_BALANCE, OVER_NOMINAL, INVALID_AMOUNT. Returns the balance after.
CREATE OR REPLACE FUNCTION voucher_post(
  p_coupon text,
  p_type ledger_type,
  p_amount bigint,
  p_account text,
  p_actor text,
  p_at timestamptz DEFAULT NULL,
  p_order text DEFAULT NULL,
  p_bill text DEFAULT NULL,
  p_bill_line text DEFAULT NULL,
  p_refund text DEFAULT NULL,
  p_note text DEFAULT '',
  p_reclaim boolean DEFAULT false
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  credit boolean := p_type IN ('Issuance', 'Refund');
  bal bigint;
  nominal bigint;
  after bigint;
  at timestamptz;
BEGIN
  IF p_amount IS NULL OR p_amount < 0 OR (p_amount = 0 AND NOT (p_reclaim AND p_type = 'Reclaim')) THEN
    RAISE EXCEPTION USING ERRCODE = 'VCPAY', MESSAGE = 'INVALID_AMOUNT', DETAIL = '{}';
  END IF;
  IF p_at IS NULL THEN
    -- Lock first, then read the clock: the instant follows the voucher's lock order.
    PERFORM 1 FROM coupons WHERE id = p_coupon FOR UPDATE;
    at := clock_timestamp();
  ELSE
    -- The caller locked the voucher and judged it at this instant (pay_order, close, refund).
    at := p_at;
  END IF;
  UPDATE coupons
     SET balance_minor = CASE WHEN credit THEN balance_minor + p_amount ELSE balance_minor - p_amount END,
         reclaimed_at = CASE WHEN p_reclaim THEN at ELSE reclaimed_at END
   WHERE id = p_coupon
     AND CASE WHEN credit THEN balance_minor + p_amount <= nominal_minor ELSE balance_minor >= p_amount END
  RETURNING balance_minor INTO after;
  IF NOT FOUND THEN
    SELECT balance_minor, nominal_minor INTO bal, nominal FROM coupons WHERE id = p_coupon;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'VCPAY', MESSAGE = 'VOUCHER_NOT_FOUND', DETAIL = '{}';
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'VCPAY',
      MESSAGE = CASE WHEN credit THEN 'OVER_NOMINAL' ELSE 'INSUFFICIENT_BALANCE' END,
      DETAIL = json_build_object('balance', bal, 'amount', p_amount, 'nominal', nominal)::text;
  END IF;
  IF p_amount > 0 THEN
    INSERT INTO coupon_ledger (coupon_id, account_id, actor_user_id, type, amount_minor, balance_after_minor,
                               order_id, bill_id, bill_line_id, refund_id, note, created_at)
      VALUES (p_coupon, p_account, p_actor, p_type, p_amount, after,
              p_order, p_bill, p_bill_line, p_refund, coalesce(p_note, ''), at);
  END IF;
  RETURN after;
END $$;
