/**
 * R-FORECAST-1: the Coupons tab's forecast of balance that will expire unused, per voucher and in
 * total, from expiry_forecast() (db/sql/expiry_forecast.sql), which holds the whole model.
 */
import { sql } from "drizzle-orm";
import { type Executor, rows } from "@/db/client";

type Row = {
  id: string;
  currency: string;
  balance_minor: string;
  expires_at: string;
  spent_30d_minor: string;
  unused_minor: string;
};

export type Forecast = {
  /** One entry per currency the account holds vouchers in (USD only for most accounts). */
  totals: { currency: string; spent30dMinor: number; unusedMinor: number; by: string | null }[];
  /** Vouchers with some balance forecast to expire unused, earliest expiry first. */
  vouchers: { id: string; currency: string; balanceMinor: number; expiresAt: string; unusedMinor: number }[];
};

export async function expiryForecast(db: Executor, accountId: string, at?: Date): Promise<Forecast> {
  const found = await rows<Row>(
    db,
    sql`SELECT id, currency, balance_minor::text, expires_at::text, spent_30d_minor::text, unused_minor::text
          FROM expiry_forecast(${accountId}, coalesce(${at ? at.toISOString() : null}::timestamptz, now()))
         ORDER BY currency, expires_at, id COLLATE "C"`,
  );
  const totals = new Map<string, Forecast["totals"][number]>();
  const vouchers: Forecast["vouchers"] = [];
  for (const r of found) {
    const unused = Number(r.unused_minor);
    const expiresAt = new Date(r.expires_at).toISOString();
    const t = totals.get(r.currency) ?? {
      currency: r.currency,
      spent30dMinor: Number(r.spent_30d_minor),
      unusedMinor: 0,
      by: null,
    };
    if (unused > 0) {
      t.unusedMinor += unused;
      t.by = expiresAt; // rows come in expiry order: the last one with something unused
      vouchers.push({
        id: r.id,
        currency: r.currency,
        balanceMinor: Number(r.balance_minor),
        expiresAt,
        unusedMinor: unused,
      });
    }
    totals.set(r.currency, t);
  }
  return { totals: [...totals.values()], vouchers };
}
