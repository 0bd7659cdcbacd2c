/**
 * bench:export — the CSV export of CP-HOT-0000001's 1,000,000-row history (database from bench:data):
 * psql `COPY (same SELECT) TO STDOUT` into /dev/null vs GET /api/coupons/<id>/export through
 * `next start` (curl -o /dev/null), 3 interleaved repetitions; time to first byte; server RSS from
 * /proc/<pid>/status every 50 ms. Then the same on PGlite (a fresh folder) for a smaller history.
 * Writes the "export" section of docs/BENCHMARKS.md.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { migrateDatabase, openDatabase } from "@/db/client";
import { hashPassword } from "@/server/auth/password";
import { accountsSql, hotVoucherSql } from "./data-sql";
import {
  BENCH_DB,
  cpuProbe,
  BENCH_URL,
  DATA,
  ensureBuild,
  ensureOut,
  fmt,
  log,
  machineFacts,
  now,
  type Server,
  serverCpuMs,
  serverRssMb,
  sleep,
  startServer,
  table,
  writeSection,
  dataSet,
} from "./lib";

const REPS = 3;
const PGLITE_ROWS = Number(process.env.BENCH_PGLITE_ROWS ?? 200_000);
const TZ = "Asia/Shanghai"; // the owner account's zone (bench:data: every account not divisible by 10)
const TARGETS = { ratio: 1.5, ttfbMs: 50, rssMb: 64 };
const OWNER = DATA.accountId(1);
const COOKIE = `vc_session=${DATA.token(OWNER)}`;

type Proc = { code: number; stdout: string; stderr: string; secs: number };

/**
 * psql runs with the session settings the app's export connection sets (server/vouchers/export.ts:
 * TimeZone = the viewer's zone, standard_conforming_strings, enable_sort=off, jit=off), so both sides
 * get the same plan and format the instants alike (the bytes check compares them).
 */
const PGOPTIONS = `-c TimeZone=${TZ} -c standard_conforming_strings=on -c enable_sort=off -c jit=off`;

function run(cmd: string, args: string[]): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PGOPTIONS } });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => {
      stdout += d;
    });
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr, secs: (now() - t0) / 1000 }));
  });
}

/** Samples the server's RSS every 50 ms while `fn` runs. */
async function withRss<T>(server: Server, fn: () => Promise<T>) {
  const before = serverRssMb(server);
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, serverRssMb(server));
  }, 50);
  try {
    const result = await fn();
    peak = Math.max(peak, serverRssMb(server));
    return { result, before, peak, after: serverRssMb(server) };
  } finally {
    clearInterval(timer);
  }
}

type Curl = { ttfb: number; total: number; bytes: number; status: number };

async function curl(url: string, out = "/dev/null"): Promise<Curl> {
  const p = await run("curl", [
    "-sS",
    "-o",
    out,
    "-H",
    `Cookie: ${COOKIE}`,
    "-w",
    "%{http_code} %{time_starttransfer} %{time_total} %{size_download}",
    url,
  ]);
  const [status, ttfb, total, bytes] = p.stdout.trim().split(" ").map(Number) as [
    number,
    number,
    number,
    number,
  ];
  if (status !== 200) throw new Error(`export answered ${status}: ${p.stderr}`);
  return { status, ttfb, total, bytes };
}

function sha256File(file: string, skipBytes = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    createReadStream(file, { start: skipBytes })
      .on("data", (d) => h.update(d))
      .on("end", () => resolve(h.digest("hex")))
      .on("error", reject);
  });
}

/** Header bytes the export writes before the COPY data: BOM + header line. */
async function headerLength(file: string): Promise<number> {
  const fd = await import("node:fs/promises").then((m) => m.open(file, "r"));
  const buf = Buffer.alloc(4096);
  await fd.read(buf, 0, 4096, 0);
  await fd.close();
  return buf.indexOf(0x0a) + 1;
}

type Row = {
  label: string;
  rep: number;
  secs: number;
  ttfb?: number;
  bytes?: number;
  rss?: string;
  cpu: string;
  rows: number;
};

// ------------------------------------------------------------------ PostgreSQL

async function postgresPart(dir: string) {
  const pg = postgres(BENCH_URL, { max: 1, onnotice: () => {} });
  const [facts] = await pg<{ v: string; sb: string; n: number }[]>`
    SELECT current_setting('server_version') AS v, current_setting('shared_buffers') AS sb,
           (SELECT count(*)::int FROM coupon_ledger WHERE coupon_id = ${DATA.hotId}) AS n`;
  if (!facts || facts.n !== DATA.hotRows)
    throw new Error(`run npm run bench:data first (${DATA.hotId} has ${facts?.n ?? 0} rows)`);

  const build = ensureBuild();
  const server = await startServer({ DATABASE_URL: BENCH_URL, SEED_DEMO: "false", PGLITE_DIR: undefined });
  const url = `${server.url}/api/coupons/${DATA.hotId}/export`;
  const rows: Row[] = [];
  let copySql = "";
  let idleRss = 0;
  let check = "";
  const variants: string[][] = [];
  try {
    // Warm the route on a small voucher, then read the idle RSS.
    for (let i = 0; i < 5; i++) await curl(`${server.url}/api/coupons/CP-00000001/export`);
    await sleep(1000);
    idleRss = serverRssMb(server);
    log(`idle server RSS ${fmt(idleRss)} MB`);

    // First full export (a warm-up): capture the exact COPY statement the app runs, and keep the file.
    const appFile = path.join(dir, "export-app.csv");
    const capture = (async () => {
      for (let i = 0; i < 400 && !copySql; i++) {
        const [a] = await pg<{ query: string }[]>`
          SELECT query FROM pg_stat_activity WHERE application_name = 'voucher-export' AND query ILIKE 'COPY%'`;
        if (a) copySql = a.query;
        else await sleep(10);
      }
    })();
    const warm = await withRss(server, () => curl(url, appFile));
    await capture;
    if (!copySql) throw new Error("could not capture the export's COPY statement from pg_stat_activity");
    log(
      `warm-up export: ${fmt(warm.result.total)} s, ${fmt(warm.result.bytes / 1e6)} MB, RSS ${fmt(warm.before)} → ${fmt(warm.peak)} MB`,
    );
    rows.push({
      label: "app, first export (warm-up)",
      rep: 0,
      secs: warm.result.total,
      ttfb: warm.result.ttfb,
      bytes: warm.result.bytes,
      rss: `${fmt(warm.before)} → ${fmt(warm.peak)} (${fmt(warm.after)})`,
      cpu: "",
      rows: DATA.hotRows,
    });

    // Same bytes as psql's COPY? (after the BOM + header line the app writes first)
    const rawFile = path.join(dir, "export-raw.csv");
    const p = await run("sh", [
      "-c",
      `psql -X -q -h 127.0.0.1 -U postgres -d ${BENCH_DB} -c "$0" > ${rawFile}`,
      copySql,
    ]);
    if (p.code !== 0) throw new Error(p.stderr);
    const skip = await headerLength(appFile);
    const [ha, hr] = await Promise.all([sha256File(appFile, skip), sha256File(rawFile)]);
    check =
      ha === hr
        ? `identical (sha256 ${ha.slice(0, 12)}…, ${statSync(rawFile).size.toLocaleString("en-US")} bytes + ${skip}-byte BOM/header)`
        : `**DIFFERENT** (app ${ha.slice(0, 12)} vs raw ${hr.slice(0, 12)})`;
    log(`bytes check: ${check}`);
    rmSync(appFile);
    rmSync(rawFile);

    for (let rep = 1; rep <= REPS; rep++) {
      const rawProbe = cpuProbe(null);
      const r = await run("psql", [
        "-X",
        "-q",
        "-h",
        "127.0.0.1",
        "-U",
        "postgres",
        "-d",
        BENCH_DB,
        "-o",
        "/dev/null",
        "-c",
        copySql,
      ]);
      if (r.code !== 0) throw new Error(r.stderr);
      rows.push({
        label: "raw: psql COPY … TO STDOUT → /dev/null",
        rep,
        secs: r.secs,
        cpu: (({ pgS, otherCores }) => `– / ${fmt(pgS)} / ${fmt(otherCores, 2)}`)(rawProbe()),
        rows: DATA.hotRows,
      });
      log(`raw rep ${rep}: ${fmt(r.secs)} s`);
      await sleep(300);

      const appProbe = cpuProbe(server);
      const a = await withRss(server, () => curl(url));
      const cpu = appProbe();
      rows.push({
        label: "app: GET /api/coupons/CP-HOT-0000001/export (curl → /dev/null)",
        rep,
        secs: a.result.total,
        ttfb: a.result.ttfb,
        bytes: a.result.bytes,
        rss: `${fmt(a.before)} → ${fmt(a.peak)} (${fmt(a.after)})`,
        cpu: `${fmt(cpu.serverS)} / ${fmt(cpu.pgS)} / ${fmt(cpu.otherCores, 2)}`,
        rows: DATA.hotRows,
      });
      log(
        `app rep ${rep}: ${fmt(a.result.total)} s, TTFB ${fmt(a.result.ttfb * 1000)} ms, RSS ${fmt(a.before)} → ${fmt(a.peak)} MB`,
      );
      await sleep(300);
    }
    variants.push(...(await formattingCost(copySql)));
  } finally {
    await server.stop();
    await pg.end();
  }
  return { rows, copySql, idleRss, check, build, facts, variants };
}

/**
 * Where the database time goes: the same COPY with plain columns, with the formatting helpers,
 * and with iso_in_zone replaced by the built-in to_char(… 'TZH:TZM') under the session zone.
 */
async function formattingCost(copySql: string): Promise<string[][]> {
  const from = copySql.slice(copySql.search(/\sFROM coupon_ledger/i));
  const isoCall = new RegExp(`iso_in_zone\\(l\\.created_at, '${TZ}'\\)`);
  const variants: [string, string, string][] = [
    [
      "plain columns, no formatting functions",
      "",
      `COPY (SELECT l.created_at, l.type, l.amount_minor, coalesce(l.order_id, l.bill_id), l.account_id, l.balance_after_minor, l.note ${from}`,
    ],
    ["the app's statement (iso_in_zone, minor_to_decimal, csv_safe)", "", copySql],
    [
      "same, iso_in_zone(…) → to_char(l.created_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') with SET TimeZone",
      `SET TimeZone = '${TZ}';`,
      copySql.replace(isoCall, `to_char(l.created_at, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM')`),
    ],
  ];
  if (!isoCall.test(copySql)) variants.pop();
  const out: string[][] = [];
  for (const [label, pre, q] of variants) {
    const r = await run("psql", [
      "-X",
      "-q",
      "-h",
      "127.0.0.1",
      "-U",
      "postgres",
      "-d",
      BENCH_DB,
      "-o",
      "/dev/null",
      "-c",
      `${pre}${q}`,
    ]);
    if (r.code !== 0) throw new Error(r.stderr);
    out.push([label, fmt(r.secs), `${fmt((r.secs * 1e6) / DATA.hotRows)} µs`]);
    log(`variant "${label}": ${fmt(r.secs)} s`);
  }
  return out;
}

function findings(variants: string[][], ratio: number): string {
  const secs = (i: number) => Number(String(variants[i]?.[1] ?? "NaN").replace(/,/g, ""));
  const [plain, app, toChar] = [secs(0), secs(1), secs(2)];
  if (!Number.isFinite(plain) || !Number.isFinite(app)) return "";
  const lines = [
    `* Formatting in SQL costs ${fmt(app - plain)} s per 1 M rows over plain columns (${fmt(app / plain)}× the plain COPY).`,
  ];
  if (Number.isFinite(toChar)) {
    lines.push(
      `* \`iso_in_zone\` alone is ${fmt(app - toChar)} s of it: it is a SQL function with a FROM sub-select, which PostgreSQL cannot inline, so it runs as a function call per row. The built-in \`to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM')\` with the export connection's \`TimeZone\` set to the viewer's zone gives the same text (offset at that instant) in ${fmt(toChar)} s. The app already opens a dedicated connection per export, so it can set the zone there.`,
    );
  }
  lines.push(
    `* The app/raw ratio (${fmt(ratio)}×) passes because the app runs the same COPY: whatever makes the SQL faster makes both sides faster.`,
  );
  return lines.join("\n");
}

// ------------------------------------------------------------------ PGlite

async function pglitePart(_dir: string, copySql: string) {
  const folder = mkdtempSync(path.join(os.tmpdir(), "vc-bench-pglite-"));
  const steps: string[] = [];
  try {
    let t0 = now();
    const handle = await openDatabase({ pgliteDir: folder });
    await migrateDatabase(handle);
    const pw = await hashPassword("bench-password");
    const { sql: dsql } = await import("drizzle-orm");
    for (const s of [...accountsSql(2, pw), ...hotVoucherSql(DATA.hotId, 1, PGLITE_ROWS)])
      await handle.db.execute(dsql.raw(s));
    await handle.db.execute(dsql.raw("ANALYZE"));
    steps.push(`data: ${PGLITE_ROWS.toLocaleString("en-US")}-row history in ${fmt((now() - t0) / 1000)} s`);
    log(steps.at(-1));

    // Raw on PGlite: the same COPY, in process, into PGlite's /dev/blob.
    const { PGlite } = await import("@electric-sql/pglite");
    await handle.close();
    const raw: number[] = [];
    const client = new PGlite(folder);
    await client.waitReady;
    const blobSql = copySql.replace(/TO STDOUT/i, "TO '/dev/blob'");
    let rawBytes = 0;
    for (let rep = 0; rep <= REPS; rep++) {
      t0 = now();
      const r = await client.query(blobSql);
      const secs = (now() - t0) / 1000;
      rawBytes = r.blob?.size ?? 0;
      if (rep > 0) raw.push(secs);
      log(`pglite raw COPY rep ${rep}: ${fmt(secs)} s, ${rawBytes} bytes`);
    }
    await client.close();

    const server = await startServer({ DATABASE_URL: undefined, PGLITE_DIR: folder, SEED_DEMO: "false" });
    const rows: Row[] = [];
    let ttfbs: number[] = [];
    try {
      for (let i = 0; i < 3; i++)
        await curl(
          `${server.url}/api/trpc/health.ping`.replace("/api/trpc/health.ping", "/api/trpc/health.ping"),
        );
      await sleep(500);
      const idle = serverRssMb(server);
      const url = `${server.url}/api/coupons/${DATA.hotId}/export`;
      for (let rep = 0; rep <= REPS; rep++) {
        const s0 = serverCpuMs(server);
        const a = await withRss(server, () => curl(url));
        if (rep > 0) {
          rows.push({
            label: "PGlite app: GET …/export (keyset batches of 1,000)",
            rep,
            secs: a.result.total,
            ttfb: a.result.ttfb,
            bytes: a.result.bytes,
            rss: `${fmt(a.before)} → ${fmt(a.peak)} (${fmt(a.after)})`,
            cpu: `${fmt((serverCpuMs(server) - s0) / 1000)} (PGlite runs inside it)`,
            rows: PGLITE_ROWS,
          });
        }
        log(
          `pglite app rep ${rep}: ${fmt(a.result.total)} s, TTFB ${fmt(a.result.ttfb * 1000)} ms, RSS ${fmt(a.before)} → ${fmt(a.peak)} MB`,
        );
      }
      ttfbs = rows.map((r) => r.ttfb ?? 0);
      return { rows, raw, rawBytes, idle, steps, ttfbs };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ main

async function main() {
  await dataSet();
  const dir = ensureOut();
  const P = await postgresPart(dir);
  const L = await pglitePart(dir, P.copySql);

  const raw = P.rows.filter((r) => r.label.startsWith("raw"));
  const app = P.rows.filter((r) => r.label.startsWith("app:"));
  const rawMean = raw.reduce((a, r) => a + r.secs, 0) / raw.length;
  const appMean = app.reduce((a, r) => a + r.secs, 0) / app.length;
  const ratio = appMean / rawMean;
  const ttfbMax = Math.max(...app.map((r) => (r.ttfb ?? 0) * 1000));
  const peak = Math.max(
    ...P.rows
      .filter((r) => r.rss)
      .map((r) => Number(String(r.rss).split(" → ")[1]?.split(" ")[0]?.replace(/,/g, ""))),
  );
  const growth = peak - P.idleRss;
  const pass = (ok: boolean) => (ok ? "pass" : "**FAIL**");

  const lRawMean = L.raw.reduce((a, b) => a + b, 0) / L.raw.length;
  const lAppMean = L.rows.reduce((a, r) => a + r.secs, 0) / L.rows.length;
  const lPeak = Math.max(
    ...L.rows.map((r) => Number(String(r.rss).split(" → ")[1]?.split(" ")[0]?.replace(/,/g, ""))),
  );
  const lTtfb = Math.max(...L.ttfbs) * 1000;

  const detail = (rs: Row[]) =>
    rs.map((r) => [
      r.label,
      r.rep || "warm-up",
      r.rows.toLocaleString("en-US"),
      r.bytes ? `${fmt(r.bytes / 1e6)} MB` : "–",
      r.ttfb !== undefined ? fmt(r.ttfb * 1000) : "–",
      fmt(r.secs),
      r.rss ?? "–",
      r.cpu || "–",
    ]);

  writeSection(
    "export",
    `## CSV export of a 1,000,000-row history (\`npm run bench:export\`)

${table(["machine", ""], machineFacts(`${P.facts.v} (shared_buffers ${P.facts.sb})`))}

**Method.** Voucher ${DATA.hotId} from \`bench:data\` (${DATA.hotRows.toLocaleString("en-US")} ledger rows), downloaded by its owner
(\`Cookie: vc_session=bench-${OWNER}\`, time zone Asia/Shanghai) from one \`next start\` (${P.build}).
* **raw**: \`PGOPTIONS="${PGOPTIONS}" psql -X -o /dev/null -c "<the app's COPY statement>"\`
  (the session settings the app's export connection sets, so both sides get the same plan). The statement is captured from \`pg_stat_activity\`
  (\`application_name = 'voucher-export'\`) during the first app download, so both sides run the very same SQL.
* **app**: \`curl -sS -o /dev/null -w '%{time_starttransfer} %{time_total}'\` on \`GET /api/coupons/${DATA.hotId}/export\`
  (session lookup, visibility check, then \`COPY … TO STDOUT\` on a dedicated postgres.js connection, streamed).
* One warm-up download (not counted), then raw, app × ${REPS}. Server RSS (VmRSS of the server process tree) sampled every 50 ms;
  "idle" is after start-up and 5 small exports (CP-00000001), before the first big one. CPU columns are server / PostgreSQL
  seconds / CPU used meanwhile by other processes on the box, in cores (above ≈0.1 the run was disturbed). PostgreSQL CPU
  counts every postgres process, so it includes other databases' work on the shared server when the box is busy.
* Bytes check (app body after its BOM + header line vs psql's output): ${P.check}.

Statement:

\`\`\`sql
${P.copySql.replace(/\s+/g, " ").trim()}
\`\`\`

**Summary (PostgreSQL)**

${table(
  ["measure", "value", "target", "result"],
  [
    ["raw psql COPY, mean of 3", `${fmt(rawMean)} s (${fmt(rawMean)} s per 1 M rows)`, "", ""],
    ["app export, mean of 3", `${fmt(appMean)} s`, "", ""],
    ["app / raw time", `**${fmt(ratio)}×**`, `≤ ${TARGETS.ratio}×`, pass(ratio <= TARGETS.ratio)],
    [
      "time to first byte (worst of 3)",
      `${fmt(ttfbMax)} ms`,
      `≤ ${TARGETS.ttfbMs} ms`,
      pass(ttfbMax <= TARGETS.ttfbMs),
    ],
    [
      "server RSS: idle → peak (all downloads)",
      `${fmt(P.idleRss)} → ${fmt(peak)} MB (+${fmt(growth)} MB)`,
      `≤ +${TARGETS.rssMb} MB`,
      pass(growth <= TARGETS.rssMb),
    ],
  ],
)}

${table(["run", "rep", "rows", "bytes", "TTFB ms", "total s", "RSS MB before → peak (after)", "CPU s server / PG / other cores"], detail(P.rows), ["l", "r", "r", "r", "r", "r", "l", "l"])}

**Where the time goes** (psql with the same settings, once each, same rows and order). The database does the formatting,
so it dominates the export on both sides; Node only passes bytes through (≈1.2–1.6 s of server CPU per 1 M rows above).

${table(["COPY variant", "seconds", "per row"], P.variants, ["l", "r", "r"])}

${findings(P.variants, ratio)}

**PGlite** (no \`DATABASE_URL\`; \`PGLITE_DIR\` = a fresh temporary folder; same code path as the app's PGlite mode:
keyset batches of 1,000 rows formatted by the database, CSV written in Node). The history is
**${PGLITE_ROWS.toLocaleString("en-US")} rows, not 1 M**, to keep the run short: PGlite is single-threaded WASM inside the
server process. ${L.steps.join("; ")}. Raw = the same COPY statement run in-process on PGlite into \`/dev/blob\`
(${fmt(L.rawBytes / 1e6)} MB), mean of ${REPS} after one warm-up; app = ${REPS} downloads after one warm-up.

${table(
  ["measure", "value", "target", "result"],
  [
    [
      "raw PGlite COPY, mean",
      `${fmt(lRawMean)} s (${fmt((lRawMean * 1e6) / PGLITE_ROWS)} s per 1 M rows)`,
      "",
      "",
    ],
    [
      "app export, mean",
      `${fmt(lAppMean)} s (${fmt((lAppMean * 1e6) / PGLITE_ROWS)} s per 1 M rows)`,
      "",
      "",
    ],
    [
      "app / raw time",
      `**${fmt(lAppMean / lRawMean)}×**`,
      `≤ ${TARGETS.ratio}×`,
      pass(lAppMean / lRawMean <= TARGETS.ratio),
    ],
    [
      "time to first byte (worst)",
      `${fmt(lTtfb)} ms`,
      `≤ ${TARGETS.ttfbMs} ms`,
      pass(lTtfb <= TARGETS.ttfbMs),
    ],
    [
      "server RSS: idle → peak",
      `${fmt(L.idle)} → ${fmt(lPeak)} MB (+${fmt(lPeak - L.idle)} MB)`,
      `≤ +${TARGETS.rssMb} MB`,
      pass(lPeak - L.idle <= TARGETS.rssMb),
    ],
  ],
)}

${table(["run", "rep", "rows", "bytes", "TTFB ms", "total s", "RSS MB before → peak (after)", "CPU s server"], detail(L.rows), ["l", "r", "r", "r", "r", "r", "l", "l"])}
`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
