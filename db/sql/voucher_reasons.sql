-- R-MATCH-2, R-PAYG-1: why voucher `c` cannot pay a charge at instant `at`, as bits (0: it applies);
-- reason_codes() names them. A charge is an order (payment type Subscription or Pay-as-you-go, with
-- its transaction type) or a pay-as-you-go bill line (transaction type NULL: only vouchers whose scope
-- is General apply to bills, decision 013). `usable`: the paying account owns the voucher or it is
-- shared with it. `product_excluded`: the product is on the general-voucher exclusion list. `amount`
-- is what the limit on order amount is judged against (the order amount; for a bill, its total).
--
-- The one source of the rule: the payment page lists vouchers with it (through
-- vouchers_by_priority()), pay_order() judges the locked voucher with it, close_bill() picks vouchers
-- with it. Bits rather than an array: the page judges every coupon of an account (10,000 in the
-- benchmark) and integer arithmetic costs a fraction of building an array per row. No sub-queries,
-- so the planner inlines it. Test oracle: unavailableReasonsOracle in server/orders/rules.ts.
CREATE OR REPLACE FUNCTION voucher_reasons(
  c coupons,
  usable boolean,
  currency text,
  product text,
  product_excluded boolean,
  payment payment_type,
  txn transaction_type,
  amount bigint,
  at timestamptz
) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
  SELECT (CASE WHEN NOT usable THEN 1 ELSE 0 END)
       | (CASE WHEN c.coupon_type <> 'Cash Coupon' THEN 2 ELSE 0 END)
       | (CASE coupon_status(c.reclaimed_at, c.effective_from, c.expires_at, c.balance_minor, at)
            WHEN 'Reclaimed' THEN 4
            WHEN 'Expired' THEN 8
            WHEN 'Not yet effective' THEN 16
            WHEN 'Used up' THEN 32
            ELSE 0 END)
       | (CASE WHEN c.currency <> currency THEN 64 ELSE 0 END)
       | (CASE WHEN cardinality(c.commodities) = 0 THEN CASE WHEN product_excluded THEN 128 ELSE 0 END
               WHEN NOT (product = ANY (c.commodities)) THEN 256 ELSE 0 END)
       | (CASE WHEN cardinality(c.scopes) > 0 AND (txn IS NULL OR NOT (txn = ANY (c.scopes))) THEN 512 ELSE 0 END)
       | (CASE WHEN NOT (payment = ANY (c.payment_types)) THEN 1024 ELSE 0 END)
       | (CASE WHEN amount < c.min_order_minor THEN 2048 ELSE 0 END)
$$;
