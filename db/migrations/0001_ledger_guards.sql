-- Ledgers and the audit log are append-only (R-VOU-4, R-POOL-5): refuse UPDATE, DELETE and TRUNCATE.
CREATE FUNCTION forbid_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;
--> statement-breakpoint
CREATE TRIGGER coupon_ledger_append_only BEFORE UPDATE OR DELETE ON coupon_ledger
  FOR EACH ROW EXECUTE FUNCTION forbid_ledger_change();
--> statement-breakpoint
CREATE TRIGGER coupon_ledger_no_truncate BEFORE TRUNCATE ON coupon_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_ledger_change();
--> statement-breakpoint
CREATE TRIGGER pool_ledger_append_only BEFORE UPDATE OR DELETE ON pool_ledger
  FOR EACH ROW EXECUTE FUNCTION forbid_ledger_change();
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION forbid_ledger_change();
--> statement-breakpoint
-- CSV helpers shared by every export path (R-DET-2), so the database formats and escapes once.
-- A cell that a spreadsheet would run as a formula gets a leading apostrophe.
CREATE FUNCTION csv_safe(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN t ~ '^[=+@\t\r-]' THEN '''' || t ELSE t END
$$;
--> statement-breakpoint
-- Minor units to a plain decimal string with two places: 1250 -> '12.50'.
CREATE FUNCTION minor_to_decimal(m bigint) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN m < 0 THEN '-' ELSE '' END || (abs(m) / 100)::text || '.' || lpad((abs(m) % 100)::text, 2, '0')
$$;
--> statement-breakpoint
-- ISO-8601 with the zone's offset at that instant: '2026-11-26T18:30:00+08:00'.
CREATE FUNCTION iso_in_zone(t timestamptz, tz text) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT to_char(t AT TIME ZONE tz, 'YYYY-MM-DD"T"HH24:MI:SS')
    || CASE WHEN o < 0 THEN '-' ELSE '+' END
    || lpad((abs(o) / 3600)::text, 2, '0') || ':' || lpad(((abs(o) % 3600) / 60)::text, 2, '0')
  FROM (SELECT extract(epoch FROM (t AT TIME ZONE tz) - (t AT TIME ZONE 'UTC'))::int AS o) s
$$;
