-- R-MATCH-4 (orders) and R-PAYG-1 (bills): every coupon an account may use (its own and those shared
-- with it), judged for one charge with voucher_reasons() (`reasons`: bits, 0 when it applies), and
-- numbered in priority order: largest balance, then earliest expiry, then earliest issuance, then ID
-- in code-unit order (total). The one home of the priority rule: the payment page takes its default
-- and its order from `priority`, close_bill() draws in that order. The numbering covers all of the
-- account's coupons whatever the charge, so numbers from calls for different products of one bill
-- compare. Judged before the numbering (OFFSET 0 keeps the judging below the sort, so the sort carries
-- five narrow columns, not the coupon's arrays); a single SELECT, so PostgreSQL inlines it into the
-- calling query. Test oracle: byPriorityOracle in
-- server/orders/rules.ts.
CREATE OR REPLACE FUNCTION vouchers_by_priority(
  account text,
  currency text,
  product text,
  product_excluded boolean,
  payment payment_type,
  txn transaction_type,
  amount bigint,
  at timestamptz
) RETURNS TABLE (id text, priority bigint, reasons integer) LANGUAGE sql STABLE AS $$
  SELECT j.id,
         row_number() OVER (ORDER BY j.balance_minor DESC, j.expires_at, j.issued_at, j.id COLLATE "C"),
         j.reasons
    FROM (SELECT c.id, c.balance_minor, c.expires_at, c.issued_at,
                 voucher_reasons(c, true, vouchers_by_priority.currency, product, product_excluded, payment, txn,
                                 amount, at) AS reasons
            FROM coupons c
           WHERE c.account_id = account
              OR c.id = ANY (ARRAY(SELECT s.coupon_id FROM coupon_shares s WHERE s.account_id = account))
          OFFSET 0) j
$$;
