-- R-MATCH-2, R-PAYG-1: every reason voucher `c` cannot pay a charge at instant `at`; empty when it
-- applies. A charge is an order (payment type Subscription or Pay-as-you-go, with its transaction
-- type) or a pay-as-you-go bill line (transaction type NULL: only vouchers whose scope is General
-- apply to bills, decision 013). `usable`: the paying account owns the voucher or it is shared with
-- it. `product_excluded`: the product is on the general-voucher exclusion list. `amount` is what the
-- limit on order amount is judged against (the order amount; for a bill, the bill's total).
--
-- The one source of the rule: the payment page lists vouchers with it, pay_order() judges the
-- locked voucher with it, close_bill() picks vouchers with it. No sub-queries, so the planner
-- inlines it into each of them. Test oracle: unavailableReasonsOracle in server/orders/rules.ts.
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
) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT array_remove(ARRAY[
    CASE WHEN NOT usable THEN 'NOT_USABLE_BY_ACCOUNT' END,
    CASE WHEN c.coupon_type <> 'Cash Coupon' THEN 'DISCOUNT_COUPON' END,
    CASE coupon_status(c.reclaimed_at, c.effective_from, c.expires_at, c.balance_minor, at)
      WHEN 'Reclaimed' THEN 'RECLAIMED'
      WHEN 'Expired' THEN 'EXPIRED'
      WHEN 'Not yet effective' THEN 'NOT_YET_EFFECTIVE'
      WHEN 'Used up' THEN 'USED_UP'
    END,
    CASE WHEN c.currency <> currency THEN 'CURRENCY_MISMATCH' END,
    CASE WHEN cardinality(c.commodities) = 0 THEN
           CASE WHEN product_excluded THEN 'PRODUCT_EXCLUDED_FROM_GENERAL' END
         WHEN NOT (product = ANY (c.commodities)) THEN 'PRODUCT_NOT_COVERED' END,
    CASE WHEN cardinality(c.scopes) > 0 AND (txn IS NULL OR NOT (txn = ANY (c.scopes)))
         THEN 'SCOPE_NOT_COVERED' END,
    CASE WHEN NOT (payment = ANY (c.payment_types)) THEN 'PAYMENT_TYPE_NOT_COVERED' END,
    CASE WHEN amount < c.min_order_minor THEN 'BELOW_MIN_ORDER' END
  ], NULL)
$$;
