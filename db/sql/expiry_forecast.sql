-- R-FORECAST-1: how much of an account's voucher balance will expire unused if it keeps spending as
-- it did in the 30 days before `at`. Per usable voucher (Available cash vouchers it owns or that are
-- shared with it): its balance, its expiry and the part forecast to expire unused.
--
-- The model (decision 016): the account's spending rate is what it paid with vouchers in those 30
-- days (Deduction ledger rows of the account, per currency), going on evenly; spending is drawn from
-- the voucher that expires first. By voucher i's expiry the account spends `can_spend` (rate × time
-- left); `ahead` is the balance of voucher i and of every voucher expiring before it. The balance no
-- spending reaches in time, through voucher i, is max(0, max over k <= i of (ahead_k - can_spend_k));
-- each voucher's unused part is the step of that running figure at it. Integers throughout (cents,
-- rounded down for what can be spent). Whether a voucher's products fit the spending is not modelled.
CREATE OR REPLACE FUNCTION expiry_forecast(account text, at timestamptz)
RETURNS TABLE (
  id text,
  currency text,
  balance_minor bigint,
  expires_at timestamptz,
  spent_30d_minor bigint,
  unused_minor bigint
) LANGUAGE sql STABLE AS $$
  WITH held AS (
    SELECT c.id, c.currency, c.balance_minor, c.expires_at
      FROM coupons c
     WHERE (c.account_id = account
            OR c.id IN (SELECT s.coupon_id FROM coupon_shares s WHERE s.account_id = account))
       AND c.coupon_type = 'Cash Coupon'
       AND coupon_status(c.reclaimed_at, c.effective_from, c.expires_at, c.balance_minor, at) = 'Available'
  ), spent AS (
    SELECT c.currency, sum(l.amount_minor)::bigint AS minor
      FROM coupon_ledger l
      JOIN coupons c ON c.id = l.coupon_id
     WHERE l.account_id = account
       AND l.type = 'Deduction'
       AND l.created_at >= at - interval '30 days'
       AND l.created_at < at
     GROUP BY c.currency
  ), steps AS (
    SELECT h.id, h.currency, h.balance_minor, h.expires_at, coalesce(s.minor, 0) AS spent_30d_minor,
           sum(h.balance_minor) OVER by_expiry AS ahead,
           floor(coalesce(s.minor, 0)::numeric * extract(epoch FROM h.expires_at - at)
                 / extract(epoch FROM interval '30 days'))::bigint AS can_spend
      FROM held h
      LEFT JOIN spent s ON s.currency = h.currency
    WINDOW by_expiry AS (PARTITION BY h.currency ORDER BY h.expires_at, h.id COLLATE "C"
                         ROWS UNBOUNDED PRECEDING)
  ), running AS (
    SELECT st.*, greatest(0, max(st.ahead - st.can_spend) OVER by_expiry) AS unused_through
      FROM steps st
    WINDOW by_expiry AS (PARTITION BY st.currency ORDER BY st.expires_at, st.id COLLATE "C"
                         ROWS UNBOUNDED PRECEDING)
  )
  SELECT r.id, r.currency, r.balance_minor, r.expires_at, r.spent_30d_minor,
         r.unused_through - coalesce(lag(r.unused_through) OVER (PARTITION BY r.currency
                                       ORDER BY r.expires_at, r.id COLLATE "C"), 0)
    FROM running r
$$;
