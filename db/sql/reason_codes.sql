-- The names of voucher_reasons()' bits, in the order the UI lists them (R-MATCH-3). Naming only: the
-- rule itself is voucher_reasons().
CREATE OR REPLACE FUNCTION reason_codes(bits integer)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT array_remove(ARRAY[
    CASE WHEN bits & 1 <> 0 THEN 'NOT_USABLE_BY_ACCOUNT' END,
    CASE WHEN bits & 2 <> 0 THEN 'DISCOUNT_COUPON' END,
    CASE WHEN bits & 4 <> 0 THEN 'RECLAIMED' END,
    CASE WHEN bits & 8 <> 0 THEN 'EXPIRED' END,
    CASE WHEN bits & 16 <> 0 THEN 'NOT_YET_EFFECTIVE' END,
    CASE WHEN bits & 32 <> 0 THEN 'USED_UP' END,
    CASE WHEN bits & 64 <> 0 THEN 'CURRENCY_MISMATCH' END,
    CASE WHEN bits & 128 <> 0 THEN 'PRODUCT_EXCLUDED_FROM_GENERAL' END,
    CASE WHEN bits & 256 <> 0 THEN 'PRODUCT_NOT_COVERED' END,
    CASE WHEN bits & 512 <> 0 THEN 'SCOPE_NOT_COVERED' END,
    CASE WHEN bits & 1024 <> 0 THEN 'PAYMENT_TYPE_NOT_COVERED' END,
    CASE WHEN bits & 2048 <> 0 THEN 'BELOW_MIN_ORDER' END
  ], NULL)
$$;
