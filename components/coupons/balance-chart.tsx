"use client";

import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatDateTime, formatMoney } from "@/lib/format";

type Point = { at: string; balanceMinor: number };

/** R-DET-4: balance after each transaction, as a step line. The figure has a text summary for screen readers. */
export function BalanceChart({
  points,
  currency,
  timeZone,
}: {
  points: Point[];
  currency: string;
  timeZone: string;
}) {
  if (points.length === 0) return <p className="mt-2 text-sm text-slate-600">No transactions yet.</p>;
  const data = points.map((p) => ({ t: new Date(p.at).getTime(), balance: p.balanceMinor }));
  const first = points[0];
  const last = points.at(-1);
  const summary =
    first && last
      ? `Balance went from ${formatMoney(first.balanceMinor, currency)} on ${formatDateTime(first.at, timeZone).slice(0, 10)} to ${formatMoney(last.balanceMinor, currency)} on ${formatDateTime(last.at, timeZone).slice(0, 10)}.`
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
              tickFormatter={(t: number) => formatDateTime(new Date(t).toISOString(), timeZone).slice(5, 10)}
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
            />
          </AreaChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-2 text-sm text-slate-700">{summary}</figcaption>
    </figure>
  );
}
