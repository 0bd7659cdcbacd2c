-- A bill's figures, derived from its lines (never stored): total, what vouchers paid, cash due
-- (R-PAYG-1), and the invoiceable amount, which is the cash part only (R-INV-1). Used by
-- close_bill()'s answer; the Bills page reads the same sums in its own statement.
CREATE OR REPLACE FUNCTION bill_summary(p_bill text) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object(
    'billId', b.id, 'accountId', b.account_id, 'cycle', b.cycle, 'currency', b.currency,
    'status', b.status, 'lines', count(l.id),
    'totalMinor', coalesce(sum(l.amount_minor), 0),
    'voucherMinor', coalesce(sum(l.voucher_minor), 0),
    'cashMinor', coalesce(sum(l.amount_minor - l.voucher_minor), 0),
    'closedAt', to_char(b.closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
  FROM bills b LEFT JOIN bill_lines l ON l.bill_id = b.id
  WHERE b.id = p_bill
  GROUP BY b.id
$$;
