-- R-MATCH-4 (orders) and R-PAYG-1 (bills): which applicable voucher comes first. Largest balance,
-- then earliest expiry, then earliest issuance, then ID in code-unit order (total). Sort by it:
-- `ORDER BY voucher_priority(c)`; the payment page's default and close_bill()'s drawing order both
-- do. Test oracle: byPriorityOracle in server/orders/rules.ts.
CREATE OR REPLACE FUNCTION voucher_priority(c coupons)
RETURNS voucher_rank LANGUAGE sql IMMUTABLE AS $$
  SELECT ROW(-c.balance_minor, c.expires_at, c.issued_at, c.id)::voucher_rank
$$;
