"use client";

import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useTranslations } from "next-intl";
import { useFormat } from "@/lib/use-format";

type Point = { at: string; balanceMinor: number };

/** R-DET-4: balance after each transaction, as a step line. The figure has a text summary for screen readers. */
export function BalanceChart({
  points,
  currency,
  thinned = false,
}: {
  points: Point[];
  currency: string;
  /** True when the server thinned a long history (more rows than points). */
  thinned?: boolean;
}) {
  const t = useTranslations("chart");
  const f = useFormat();
  if (points.length === 0) return <p className="mt-2 text-sm text-slate-600">{t("empty")}</p>;
  const data = points.map((p) => ({ t: new Date(p.at).getTime(), balance: p.balanceMinor }));
  const first = points[0];
  const last = points.at(-1);
  const low = Math.min(...points.map((p) => p.balanceMinor));
  const summary =
    first && last
      ? t("summary", {
          count: points.length,
          thinned: thinned ? "yes" : "no",
          from: f.money(first.balanceMinor, currency),
          fromDate: f.dateTime(first.at),
          to: f.money(last.balanceMinor, currency),
          toDate: f.dateTime(last.at),
          low: f.money(low, currency),
          zone: f.timeZone,
        })
      : "";
  return (
    <figure className="mt-3" aria-label={t("label")}>
      <div className="h-56 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={["dataMin", "dataMax"]}
              tickFormatter={(at: number) => f.date(new Date(at).toISOString())}
              tick={{ fontSize: 12, fill: "#334155" }}
            />
            <YAxis
              tickFormatter={(v: number) => f.money(v, currency)}
              width={90}
              tick={{ fontSize: 12, fill: "#334155" }}
            />
            <Tooltip
              labelFormatter={(at) => f.dateTime(new Date(Number(at)).toISOString())}
              formatter={(v) => [f.money(Number(v), currency), t("balance")]}
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
