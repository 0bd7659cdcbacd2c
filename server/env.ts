import path from "node:path";
import { z } from "zod";

/**
 * The server's configuration: every environment variable the app reads, parsed and checked once
 * (decision 011). Read it through serverEnv(); nothing else in server/, app/, db/ or lib/ reads
 * process.env. Parsed lazily on first use, never at module load: `next build` imports route files
 * with nothing set. instrumentation.ts calls it at start-up, so a bad value stops the server
 * with a message naming the variable and what it accepts.
 *
 * An empty string counts as unset (Playwright and shells pass `VAR=` to clear a variable).
 */

/** A whole number in [min, max], written in decimal digits only ("8", not "8.0", "1e1" or " 8"). */
const wholeNumber = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max} (default ${fallback})`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `must be a whole number from ${min} to ${max} (default ${fallback})`)
        .max(max, `must be a whole number from ${min} to ${max} (default ${fallback})`),
    )
    .optional()
    .transform((v) => v ?? fallback);

const schema = z.object({
  /** PostgreSQL connection string; unset: the embedded PGlite database. */
  DATABASE_URL: z
    .string()
    .regex(
      /^postgres(ql)?:\/\/.+/,
      "must be a postgres:// or postgresql:// connection string, or unset for PGlite",
    )
    .optional(),
  /** PGlite's data folder (used only without DATABASE_URL); default .data/pglite under the working directory. */
  PGLITE_DIR: z.string().optional(),
  /** Size of the PostgreSQL connection pool. */
  PG_POOL_MAX: wholeNumber(1, 1000, 10),
  /** Seed the demo world into an empty database at start-up. */
  SEED_DEMO: z
    .enum(["true", "false"], 'must be "true" or "false" (default "true")')
    .optional()
    .transform((v) => v !== "false"),
  /** CSV exports running at once per process on PostgreSQL (each holds its own connection); beyond it, 503. */
  EXPORT_MAX_CONCURRENT: wholeNumber(1, 1000, 8),
  /**
   * Origins besides the request's own that may send state-changing requests (R-SEC-3), comma
   * separated, e.g. "https://console.example.com" for a console behind a proxy that rewrites Host.
   */
  APP_ORIGINS: z
    .string()
    .regex(
      /^https?:\/\/[^\s,/]+(,\s*https?:\/\/[^\s,/]+)*$/,
      "must be comma-separated origins like https://console.example.com (no path)",
    )
    .optional(),
  /**
   * Proxies in front of the app that append to X-Forwarded-For; the client address for the sign-in
   * limit is that many entries from the right (R-SEC-4, decision 014).
   */
  TRUSTED_PROXY_HOPS: wholeNumber(0, 10, 0),
  /**
   * Where expiry emails go out (R-NOTIFY-2): smtp://user:pass@host:587 or smtps://…:465. Unset:
   * notifications stay in the console and no email is sent.
   */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, "must be an smtp:// or smtps:// URL, or unset for no email")
    .optional(),
  /** The From of those emails. */
  MAIL_FROM: z.string().max(320).optional(),
  /** The console's public address, for the links in emails (default http://localhost:3000). */
  APP_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/]+$/, "must be an origin like https://console.example.com (no path)")
    .optional(),
  /** Scheduled jobs (expiry scan, digests, cycle close) in this process (decision 016). */
  JOBS: z
    .enum(["on", "off"], 'must be "on" or "off" (default "on")')
    .optional()
    .transform((v) => v !== "off"),
});

export type ServerEnv = {
  databaseUrl: string | null;
  /** Null with DATABASE_URL set; otherwise a folder (absolute or relative to the working directory). */
  pgliteDir: string | null;
  pgPoolMax: number;
  seedDemo: boolean;
  exportMaxConcurrent: number;
  appOrigins: string[];
  trustedProxyHops: number;
  /** Null: no email (notifications stay in the console). */
  smtpUrl: string | null;
  mailFrom: string;
  appUrl: string;
  jobs: boolean;
};

export const ENV_KEYS = Object.keys(schema.shape) as (keyof typeof schema.shape)[];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid server configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses the given variables (process.env by default); throws a ConfigError naming every bad one. */
export function parseServerEnv(source: Record<string, string | undefined> = process.env): ServerEnv {
  const raw = Object.fromEntries(
    ENV_KEYS.map((k) => [k, source[k] === "" || source[k] === undefined ? undefined : source[k]]),
  );
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const key = String(i.path[0]);
        // A connection string may hold a password: name the variable, not its value.
        const shown = key === "DATABASE_URL" || key === "SMTP_URL" ? "" : `=${JSON.stringify(raw[key])}`;
        return `${key}${shown}: ${i.message}`;
      }),
    );
  }
  const e = parsed.data;
  const databaseUrl = e.DATABASE_URL ?? null;
  return {
    databaseUrl,
    pgliteDir: databaseUrl ? null : (e.PGLITE_DIR ?? path.join(process.cwd(), ".data", "pglite")),
    pgPoolMax: e.PG_POOL_MAX,
    seedDemo: e.SEED_DEMO,
    exportMaxConcurrent: e.EXPORT_MAX_CONCURRENT,
    appOrigins: (e.APP_ORIGINS ?? "")
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean),
    trustedProxyHops: e.TRUSTED_PROXY_HOPS,
    smtpUrl: e.SMTP_URL ?? null,
    mailFrom: e.MAIL_FROM ?? "Voucher console <no-reply@localhost>",
    appUrl: e.APP_URL ?? "http://localhost:3000",
    jobs: e.JOBS,
  };
}

let cached: ServerEnv | null = null;

/** The process's configuration, parsed on first use and kept; throws a ConfigError when a value is bad. */
export function serverEnv(): ServerEnv {
  cached ??= parseServerEnv();
  return cached;
}

/**
 * The Node entry's own settings (server/main.ts, decision 017), checked like the rest; kept apart
 * from ServerEnv because only the entry's process manager reads them.
 */
const entrySchema = z.object({
  /** HTTP port; `-p` on the entry's command line wins. */
  PORT: wholeNumber(1, 65535, 3000),
  /** Worker processes with DATABASE_URL; unset: one per core. PGlite always runs one process. */
  WEB_CONCURRENCY: wholeNumber(1, 64, 0),
  /** On SIGTERM, how long in-flight requests (a payment, an export) may run before they are cut. */
  SHUTDOWN_GRACE_SECONDS: wholeNumber(0, 3600, 30),
});

export type EntryEnv = { port: number; webConcurrency: number | null; shutdownGraceSeconds: number };

export const ENTRY_ENV_KEYS = Object.keys(entrySchema.shape) as (keyof typeof entrySchema.shape)[];

/** The entry's settings from process.env (or `source`); throws a ConfigError naming every bad one. */
export function parseEntryEnv(source: Record<string, string | undefined> = process.env): EntryEnv {
  const raw = Object.fromEntries(
    ENTRY_ENV_KEYS.map((k) => [k, source[k] === "" || source[k] === undefined ? undefined : source[k]]),
  );
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (i) => `${String(i.path[0])}=${JSON.stringify(raw[String(i.path[0])])}: ${i.message}`,
      ),
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    webConcurrency: e.WEB_CONCURRENCY === 0 ? null : e.WEB_CONCURRENCY,
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
  };
}
