-- The set-based form of voucher_post() (the one writer of voucher money), for a bill's close: many
-- deductions of one type, from one account, at one instant, applied in array order. One UPDATE per
-- voucher (its total) and one INSERT of the ledger rows, each with the running balance after it.
-- The vouchers' rows are locked (in ID order) before anything is read. All or nothing: if any voucher
-- lacks the balance for its entries it raises INSUFFICIENT_BALANCE ('VCPAY') and nothing is written.
CREATE OR REPLACE FUNCTION voucher_post_batch(
  p_type ledger_type,
  p_account text,
  p_actor text,
  p_at timestamptz,
  p_coupons text[],
  p_amounts bigint[],
  p_bill text DEFAULT NULL,
  p_bill_lines text[] DEFAULT NULL,
  p_note text DEFAULT ''
) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  n integer := coalesce(cardinality(p_coupons), 0);
  updated integer;
  distinct_coupons integer;
BEGIN
  IF n = 0 THEN
    RETURN 0;
  END IF;
  IF p_type NOT IN ('Deduction', 'Reclaim') OR cardinality(p_amounts) <> n
     OR (p_bill_lines IS NOT NULL AND cardinality(p_bill_lines) <> n)
     OR EXISTS (SELECT 1 FROM unnest(p_amounts) a WHERE a IS NULL OR a <= 0) THEN
    RAISE EXCEPTION USING ERRCODE = 'VCPAY', MESSAGE = 'INVALID_AMOUNT', DETAIL = '{}';
  END IF;
  PERFORM 1 FROM coupons WHERE id = ANY (p_coupons) ORDER BY id FOR UPDATE;
  SELECT count(DISTINCT x) INTO distinct_coupons FROM unnest(p_coupons) x;
  WITH totals AS (
    SELECT coupon_id, sum(amount) AS total FROM unnest(p_coupons, p_amounts) e(coupon_id, amount) GROUP BY coupon_id)
  UPDATE coupons c SET balance_minor = c.balance_minor - t.total
    FROM totals t WHERE c.id = t.coupon_id AND c.balance_minor >= t.total;
  GET DIAGNOSTICS updated = ROW_COUNT;
  IF updated <> distinct_coupons THEN
    RAISE EXCEPTION USING ERRCODE = 'VCPAY', MESSAGE = 'INSUFFICIENT_BALANCE', DETAIL = '{}';
  END IF;
  -- Balance after each entry: the balance now (after all of them) plus what later entries took.
  INSERT INTO coupon_ledger (coupon_id, account_id, actor_user_id, type, amount_minor, balance_after_minor,
                             bill_id, bill_line_id, note, created_at)
  SELECT e.coupon_id, p_account, p_actor, p_type, e.amount,
         c.balance_minor + sum(e.amount) OVER w - sum(e.amount) OVER (PARTITION BY e.coupon_id ORDER BY e.n),
         p_bill, e.bill_line_id, coalesce(p_note, ''), p_at
    FROM unnest(p_coupons, p_amounts, coalesce(p_bill_lines, array_fill(NULL::text, ARRAY[n])))
           WITH ORDINALITY AS e(coupon_id, amount, bill_line_id, n)
    JOIN coupons c ON c.id = e.coupon_id
  WINDOW w AS (PARTITION BY e.coupon_id)
   ORDER BY e.n;
  RETURN n;
END $$;
