-- R-VOU-2: a coupon's status at instant `at`, derived, never stored. Precedence: Reclaimed, then
-- Expired (whatever the balance; `expires_at` is exclusive, R-TIME-1), then Not yet effective, then
-- Used up, then Available. The one source of the rule: the Coupons tab (list, filters, totals,
-- exports), the quota pool page and voucher_reasons() all call it. A plain SQL expression, so the
-- planner inlines it into each query. Oracle for tests: deriveStatus in server/vouchers/rules.ts.
CREATE OR REPLACE FUNCTION coupon_status(
  reclaimed_at timestamptz,
  effective_from timestamptz,
  expires_at timestamptz,
  balance_minor bigint,
  at timestamptz
) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN reclaimed_at IS NOT NULL THEN 'Reclaimed'
    WHEN at >= expires_at THEN 'Expired'
    WHEN at < effective_from THEN 'Not yet effective'
    WHEN balance_minor = 0 THEN 'Used up'
    ELSE 'Available'
  END
$$;
