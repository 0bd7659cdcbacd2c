-- R-INV-1: what can be invoiced for a charge: only the cash part, less cash paid back by refunds, and
-- nothing until the charge is settled (an order paid, a bill closed). The voucher part never is.
-- One home for the rule: order lists, the Invoices page and its monthly totals all call it.
CREATE OR REPLACE FUNCTION invoiceable_minor(settled boolean, cash_minor bigint, cash_refunded_minor bigint)
RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN settled THEN cash_minor - coalesce(cash_refunded_minor, 0) ELSE 0 END
$$;
