/**
 * Load runners shared by bench:pay and bench:admin (on top of lib.ts):
 *   pgbench with per-transaction logs and per-client counts (so a script can give every
 *   transaction its own order: k = base + client_id + clients * n);
 *   autocannon fed from a function (every request can be distinct: its own order, idempotency key,
 *   cookie), every response timed, non-200 answers classified by their tRPC / domain error code;
 *   a CPU reading around each run (lib.ts cpuProbe) and the usual aggregates.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { APP_PG_ENV, BENCH_DB, cpuProbe, fmt, now, percentile, type Server, sortNumbers } from "./lib";

export type LoadResult = {
  n: number;
  lat: number[];
  secs: number;
  /** non-200 answers and transport errors, by "status code/domain code". */
  errors: Record<string, number>;
  /** pgbench: transactions per client id. */
  perClient?: Map<number, number>;
};

export type Measured = LoadResult & {
  label: string;
  c: number;
  serverS: number;
  pgS: number;
  otherCores: number;
};

/** pgbench -M prepared -j 1 with -l logs; latency per transaction (ms) from the logs. */
export function runPgbench(
  file: string,
  defines: Record<string, string | number>,
  c: number,
  seconds: number,
  dir: string,
): LoadResult {
  const logDir = path.join(dir, "pgbench-log-pay");
  rmSync(logDir, { recursive: true, force: true });
  execFileSync("mkdir", ["-p", logDir]);
  const args = ["-n", "-M", "prepared", "-j", "1", "-c", String(c), "-T", String(seconds), "-f", file];
  for (const [k, v] of Object.entries(defines)) args.push("-D", `${k}=${v}`);
  args.push("-l", `--log-prefix=${path.join(logDir, "tx")}`, "-h", "127.0.0.1", "-U", "postgres", BENCH_DB);
  const t0 = now();
  let out: string;
  try {
    out = execFileSync("pgbench", args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...APP_PG_ENV },
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`pgbench failed:\n${err.stdout ?? ""}\n${String(err.stderr ?? "").slice(-2000)}`);
  }
  const secs = Math.min((now() - t0) / 1000, seconds);
  const failed = /number of failed transactions: (\d+)/.exec(out);
  const errors: Record<string, number> = {};
  if (failed && Number(failed[1]) > 0) errors["pgbench failed transactions"] = Number(failed[1]);
  const lat: number[] = [];
  const perClient = new Map<number, number>();
  for (const f of readdirSync(logDir)) {
    for (const line of readFileSync(path.join(logDir, f), "utf8").split("\n")) {
      const parts = line.split(" ");
      if (parts.length < 3) continue;
      lat.push(Number(parts[2]) / 1000);
      const client = Number(parts[0]);
      perClient.set(client, Math.max(perClient.get(client) ?? 0, Number(parts[1])));
    }
  }
  return { n: lat.length, lat, secs, errors, perClient };
}

export type HttpReq = {
  method?: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string;
};

/** The code a tRPC error answer carries: the domain code when there is one, else the tRPC code. */
function errorCode(body: string | undefined): string {
  if (!body) return "?";
  try {
    const j = JSON.parse(body) as { error?: { data?: { code?: string; domainCode?: string } } };
    return j.error?.data?.domainCode ?? j.error?.data?.code ?? "?";
  } catch {
    return body.slice(0, 40);
  }
}

/** autocannon (in this process, no workers) for `seconds` at `c` connections; `next()` makes each request. */
export async function runHttp(
  url: string,
  next: () => HttpReq,
  c: number,
  seconds: number,
): Promise<LoadResult> {
  const lat: number[] = [];
  const errors: Record<string, number> = {};
  const request = {
    setupRequest: (req: Record<string, unknown>) => {
      const r = next();
      return {
        ...req,
        method: r.method ?? "GET",
        path: r.path,
        headers: { ...(req.headers as Record<string, string>), ...r.headers },
        body: r.body,
      };
    },
    onResponse: (status: number, body: string) => {
      if (status !== 200) {
        const k = `${status} ${errorCode(body)}`;
        errors[k] = (errors[k] ?? 0) + 1;
      }
    },
  };
  const inst = autocannon({
    url,
    connections: c,
    duration: seconds,
    timeout: 30,
    // biome-ignore lint/suspicious/noExplicitAny: onResponse is missing from the minimal typing in autocannon.d.ts
    requests: [request as any],
  });
  inst.on("response", (_client: unknown, _status: number, _bytes: number, rt: number) => {
    lat.push(rt);
  });
  const t0 = now();
  const result = await inst;
  const secs = (now() - t0) / 1000;
  if (result.errors) errors["transport errors"] = result.errors;
  if (result.timeouts) errors.timeouts = result.timeouts;
  return { n: lat.length, lat, secs, errors };
}

/** Runs `fn` with a CPU reading around it. */
export async function measured(
  label: string,
  c: number,
  server: Server | null,
  fn: () => LoadResult | Promise<LoadResult>,
): Promise<Measured> {
  const probe = cpuProbe(server);
  const r = await fn();
  const cpu = probe();
  return { ...r, label, c, ...cpu };
}

export const rps = (m: Measured) => m.n / m.secs;

export function stats(m: Measured) {
  const s = sortNumbers(m.lat);
  return { p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99) };
}

export const errorText = (e: Record<string, number>) =>
  Object.keys(e).length
    ? Object.entries(e)
        .map(([k, v]) => `${k}: ${v}`)
        .join(", ")
    : "none";

/** One row of the main table. */
export function row(m: Measured, isRaw: boolean): string[] {
  const s = stats(m);
  return [
    m.label,
    String(m.c),
    fmt(rps(m)),
    `${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)}`,
    isRaw ? "–" : fmt((m.serverS * 1000) / m.n),
    fmt((m.pgS * 1000) / m.n),
    fmt(m.otherCores, 2),
    `${m.n.toLocaleString("en-US")}`,
    errorText(m.errors),
  ];
}

export const MAIN_HEADER = [
  "target",
  "c",
  "req/s",
  "p50 / p95 / p99 ms",
  "server CPU ms/req",
  "PG CPU ms/req",
  "other CPU (cores)",
  "requests",
  "errors (non-200 by code)",
];
export const MAIN_ALIGN: ("l" | "r")[] = ["l", "r", "r", "l", "r", "r", "r", "r", "l"];
