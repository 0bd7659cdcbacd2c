-- R-NOTIFY-1: the expiry scan. Every Available cash voucher that expires within 30 days of `at` is
-- noticed once per holding account (its owner, and every account it is shared with) at the tightest
-- threshold it has crossed (30, 7 or 1 days before `expires_at`): one row in expiry_notifications.
-- Used-up, reclaimed, expired and not-yet-effective vouchers are skipped (coupon_status()). The key
-- (voucher, account, threshold, generation) is unique, so a notice is written once however many
-- scanners run, side by side or again after a crash; the generation is the voucher's number of Refund
-- ledger rows, so a refund re-arms it and the threshold it is in is noticed again with the new
-- balance. A threshold passed while no scan ran is not written late: only the current one is
-- (decision 016). Returns the number of notices written. Set-based: one statement.
CREATE OR REPLACE FUNCTION expiry_scan(at timestamptz) RETURNS integer LANGUAGE sql VOLATILE AS $$
  WITH due AS (
    SELECT c.id, c.account_id, c.balance_minor, c.currency, c.expires_at,
           CASE WHEN c.expires_at <= at + interval '1 day' THEN 1
                WHEN c.expires_at <= at + interval '7 days' THEN 7
                ELSE 30 END AS threshold_days,
           (SELECT count(*) FROM coupon_ledger l WHERE l.coupon_id = c.id AND l.type = 'Refund')::integer
             AS generation
      FROM coupons c
     WHERE c.expires_at > at
       AND c.expires_at <= at + interval '30 days'
       AND c.coupon_type = 'Cash Coupon'
       AND coupon_status(c.reclaimed_at, c.effective_from, c.expires_at, c.balance_minor, at) = 'Available'
  ), holders AS (
    SELECT d.id, d.account_id FROM due d
    UNION
    SELECT s.coupon_id, s.account_id FROM coupon_shares s JOIN due d ON d.id = s.coupon_id
  ), written AS (
    INSERT INTO expiry_notifications
           (account_id, coupon_id, threshold_days, generation, balance_minor, currency, expires_at)
    SELECT h.account_id, d.id, d.threshold_days, d.generation, d.balance_minor, d.currency, d.expires_at
      FROM due d JOIN holders h ON h.id = d.id
    ON CONFLICT (coupon_id, account_id, threshold_days, generation) DO NOTHING
    RETURNING 1
  )
  SELECT count(*)::integer FROM written
$$;
