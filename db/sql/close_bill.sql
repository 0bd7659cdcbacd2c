-- Closes one pay-as-you-go bill (R-PAYG-1) exactly once, as one short transaction: applies the
-- account's vouchers to the bill's lines and marks the bill Closed. Closing it again changes nothing
-- and answers what the first close did.
--
-- Locks: the bill (two closers serialise here; the second sees Closed), then every voucher the
-- account could draw on, in ID order (closers of different accounts sharing a voucher cannot
-- deadlock; a payment locks one voucher, so it waits or goes first and the close sees its result).
-- The clock is read once under those locks: vouchers are judged at that closing instant with
-- voucher_reasons() (payment type Pay-as-you-go, no transaction type, the limit on order amount
-- against the bill's total) and ranked once, both through vouchers_by_priority(). Lines are paid in usage order;
-- each takes from the first voucher in that order that covers its product and still has balance,
-- then the next, until the line is paid or no voucher is left (several vouchers may pay a line, a
-- voucher may pay many lines; no line gets more than its amount). The rest is cash due.
-- Money moves through voucher_post_batch() (one writer), one ledger row per line and voucher.
-- Refusals raise SQLSTATE 'VCPAY': BILL_NOT_FOUND, CYCLE_NOT_ENDED.
CREATE OR REPLACE FUNCTION close_bill(p_bill text, p_actor text) RETURNS jsonb
LANGUAGE plpgsql SET lock_timeout = '10s' AS $$
DECLARE
  b bills%ROWTYPE;
  zone text;
  at timestamptz;
  total bigint;
  products text[];
  vids text[];
  vbal bigint[];
  covers boolean[];
  j_p integer[];
  j_id text[];
  j_priority bigint[];
  j_ok boolean[];
  nv integer;
  np integer;
  p integer;
  i integer;
  next_v integer[];
  l record;
  remaining bigint;
  take bigint;
  e_coupons text[] := '{}';
  e_amounts bigint[] := '{}';
  e_lines text[] := '{}';
  line_ids text[] := '{}';
  line_paid bigint[] := '{}';
  paid bigint;
BEGIN
  SELECT * INTO b FROM bills WHERE id = p_bill FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'VCPAY', MESSAGE = 'BILL_NOT_FOUND', DETAIL = '{}';
  END IF;
  IF b.status = 'Closed' THEN
    RETURN bill_summary(b.id) || jsonb_build_object('alreadyClosed', true);
  END IF;
  SELECT a.time_zone INTO zone FROM accounts a WHERE a.id = b.account_id;

  -- Every cash voucher the account could draw on, locked in ID order before the clock is read.
  PERFORM 1 FROM coupons c
    WHERE (c.account_id = b.account_id
           OR c.id IN (SELECT s.coupon_id FROM coupon_shares s WHERE s.account_id = b.account_id))
      AND c.coupon_type = 'Cash Coupon' AND c.balance_minor > 0 AND c.reclaimed_at IS NULL
    ORDER BY c.id FOR UPDATE;
  at := clock_timestamp();
  IF at < ((b.cycle || '-01')::date + interval '1 month')::timestamp AT TIME ZONE zone THEN
    RAISE EXCEPTION USING ERRCODE = 'VCPAY', MESSAGE = 'CYCLE_NOT_ENDED',
      DETAIL = json_build_object('cycle', b.cycle)::text;
  END IF;

  SELECT coalesce(sum(amount_minor), 0), coalesce(array_agg(DISTINCT product_code), '{}')
    INTO total, products FROM bill_lines WHERE bill_id = b.id;
  np := cardinality(products);

  -- The vouchers that apply to at least one of the bill's products, in priority order
  -- (vouchers_by_priority() numbers them the same way whatever the product), and for each product
  -- whether each of them covers it (covers[(p - 1) * nv + i]).
  SELECT array_agg(pp.n::integer), array_agg(v.id), array_agg(v.priority), array_agg(v.reasons = 0)
    INTO j_p, j_id, j_priority, j_ok
    FROM unnest(products) WITH ORDINALITY pp(code, n)
    JOIN products pr ON pr.code = pp.code
    CROSS JOIN LATERAL vouchers_by_priority(b.account_id, b.currency, pr.code, pr.excluded_from_general,
                                            'Pay-as-you-go', NULL, total, at) v;
  SELECT coalesce(array_agg(v.id ORDER BY v.priority), '{}'), coalesce(array_agg(c.balance_minor ORDER BY v.priority), '{}')
    INTO vids, vbal
    FROM (SELECT DISTINCT x.id, x.priority FROM unnest(j_id, j_priority, j_ok) x(id, priority, ok) WHERE x.ok) v
    JOIN coupons c ON c.id = v.id;
  nv := cardinality(vids);
  IF nv > 0 THEN
    SELECT array_agg(coalesce(j.ok, false) ORDER BY pp.n, vv.n)
      INTO covers
      FROM generate_series(1, np) pp(n)
      CROSS JOIN unnest(vids) WITH ORDINALITY vv(id, n)
      LEFT JOIN unnest(j_p, j_id, j_ok) j(p, id, ok) ON j.p = pp.n AND j.id = vv.id;
    next_v := array_fill(1, ARRAY[np]);

    FOR l IN SELECT id, product_code, amount_minor FROM bill_lines WHERE bill_id = b.id ORDER BY usage_at, id COLLATE "C" LOOP
      p := array_position(products, l.product_code);
      remaining := l.amount_minor;
      paid := 0;
      i := next_v[p];
      WHILE remaining > 0 AND i <= nv LOOP
        IF covers[(p - 1) * nv + i] AND vbal[i] > 0 THEN
          take := least(vbal[i], remaining);
          vbal[i] := vbal[i] - take;
          remaining := remaining - take;
          paid := paid + take;
          e_coupons := e_coupons || vids[i];
          e_amounts := e_amounts || take;
          e_lines := e_lines || l.id;
        END IF;
        -- A voucher that does not cover this product, or is empty, never will during this close.
        IF NOT covers[(p - 1) * nv + i] OR vbal[i] = 0 THEN
          i := i + 1;
        END IF;
      END LOOP;
      next_v[p] := i;
      IF paid > 0 THEN
        line_ids := line_ids || l.id;
        line_paid := line_paid || paid;
      END IF;
    END LOOP;

    PERFORM voucher_post_batch('Deduction', b.account_id, p_actor, at, e_coupons, e_amounts, b.id, e_lines);
    UPDATE bill_lines bl SET voucher_minor = x.paid
      FROM unnest(line_ids, line_paid) x(id, paid) WHERE bl.id = x.id;
  END IF;

  UPDATE bills SET status = 'Closed', closed_at = at WHERE id = b.id;
  RETURN bill_summary(b.id) || jsonb_build_object('alreadyClosed', false);
END $$;
