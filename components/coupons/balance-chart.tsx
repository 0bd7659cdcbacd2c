"use client";

import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatDate, formatDateTime, formatMoney } from "@/lib/format";

type Point = { at: string; balanceMinor: number };

/** R-DET-4: balance after each transaction, as a step line. The figure has a text summary for screen readers. */
export function BalanceChart({
  points,
  currency,
  timeZone,
  thinned = false,
}: {
  points: Point[];
  currency: string;
  timeZone: string;
  /** True when the server thinned a long history (more rows than points). */
  thinned?: boolean;
}) {
  if (points.length === 0) return <p className="mt-2 text-sm text-slate-600">No transactions yet.</p>;
  const data = points.map((p) => ({ t: new Date(p.at).getTime(), balance: p.balanceMinor }));
  const first = points[0];
  const last = points.at(-1);
  const low = Math.min(...points.map((p) => p.balanceMinor));
  const summary =
    first && last
      ? `${points.length} ${points.length === 1 ? "point" : "points"}${thinned ? " (the first, last, lowest and highest of each stretch of a long history)" : ""}: the balance went from ${formatMoney(first.balanceMinor, currency)} on ${formatDate(first.at, timeZone)} to ${formatMoney(last.balanceMinor, currency)} on ${formatDate(last.at, timeZone)}; the lowest was ${formatMoney(low, currency)}.`
      : "";
  return (
    <figure className="mt-3" aria-label="Balance over time">
      <div className="h-56 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={["dataMin", "dataMax"]}
              tickFormatter={(t: number) => formatDate(new Date(t).toISOString(), timeZone)}
              tick={{ fontSize: 12, fill: "#334155" }}
            />
            <YAxis
              tickFormatter={(v: number) => formatMoney(v, currency)}
              width={90}
              tick={{ fontSize: 12, fill: "#334155" }}
            />
            <Tooltip
              labelFormatter={(t) => formatDateTime(new Date(Number(t)).toISOString(), timeZone)}
              formatter={(v) => [formatMoney(Number(v), currency), "Balance"]}
            />
            <Area
              type="stepAfter"
              dataKey="balance"
              stroke="#9a3412"
              fill="#fed7aa"
              isAnimationActive={false}
              dot={points.length <= 40 ? { r: 3, fill: "#9a3412" } : false}
            />
          </AreaChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-2 text-sm text-slate-700" data-points={points.length}>
        {summary}
      </figcaption>
    </figure>
  );
}
