import { describe, expect, it, vi } from "vitest";
import { ConfigError, parseServerEnv } from "./env";

/** The ConfigError's message for these variables (fails the test when they parse). */
function problem(vars: Record<string, string | undefined>): string {
  try {
    parseServerEnv(vars);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(vars)} to be refused`);
}

describe("server configuration (server/env.ts)", () => {
  it("defaults: PGlite in .data/pglite, pool of 10, demo seed on, 8 exports at once", () => {
    const env = parseServerEnv({});
    expect(env).toEqual({
      databaseUrl: null,
      pgliteDir: expect.stringMatching(/\.data\/pglite$/),
      pgPoolMax: 10,
      seedDemo: true,
      exportMaxConcurrent: 8,
      appOrigins: [],
      trustedProxyHops: 0,
      smtpUrl: null,
      mailFrom: "Voucher console <no-reply@localhost>",
      appUrl: "http://localhost:3000",
      jobs: true,
    });
  });

  it("an empty string is the same as unset (Playwright clears DATABASE_URL with it)", () => {
    const env = parseServerEnv({
      DATABASE_URL: "",
      PGLITE_DIR: "",
      PG_POOL_MAX: "",
      SEED_DEMO: "",
      EXPORT_MAX_CONCURRENT: "",
    });
    expect(env).toEqual(parseServerEnv({}));
  });

  it("good values are read", () => {
    expect(
      parseServerEnv({
        DATABASE_URL: "postgres://postgres@127.0.0.1:5432/vouchers",
        PGLITE_DIR: "/tmp/ignored",
        PG_POOL_MAX: "25",
        SEED_DEMO: "false",
        EXPORT_MAX_CONCURRENT: "1",
        APP_ORIGINS: "https://console.example.com, http://127.0.0.1:3000",
        TRUSTED_PROXY_HOPS: "1",
        SMTP_URL: "smtp://mailer:secret@mail.example.com:587",
        MAIL_FROM: "Console <console@example.com>",
        APP_URL: "https://console.example.com",
        JOBS: "off",
      }),
    ).toEqual({
      databaseUrl: "postgres://postgres@127.0.0.1:5432/vouchers",
      pgliteDir: null, // a DATABASE_URL wins
      pgPoolMax: 25,
      seedDemo: false,
      exportMaxConcurrent: 1,
      appOrigins: ["https://console.example.com", "http://127.0.0.1:3000"],
      trustedProxyHops: 1,
      smtpUrl: "smtp://mailer:secret@mail.example.com:587",
      mailFrom: "Console <console@example.com>",
      appUrl: "https://console.example.com",
      jobs: false,
    });
    // R-NOTIFY-2: a bad SMTP_URL is named, but its value (it may hold a password) is not echoed.
    expect(() => parseServerEnv({ SMTP_URL: "mail.example.com" })).toThrow(/SMTP_URL: must be an smtp/);
    expect(() => parseServerEnv({ SMTP_URL: "http://x:secret@y" })).not.toThrow(/secret/);
    expect(() => parseServerEnv({ JOBS: "maybe" })).toThrow(/JOBS/);
    expect(() => parseServerEnv({ APP_ORIGINS: "https://x.example/path" })).toThrow(/APP_ORIGINS/);
    expect(parseServerEnv({ PGLITE_DIR: "/tmp/pg", SEED_DEMO: "true" })).toMatchObject({
      pgliteDir: "/tmp/pg",
      seedDemo: true,
    });
    expect(parseServerEnv({ DATABASE_URL: "postgresql://u:p@db/x" }).databaseUrl).toBe(
      "postgresql://u:p@db/x",
    );
    expect(parseServerEnv({ EXPORT_MAX_CONCURRENT: "1000" }).exportMaxConcurrent).toBe(1000);
  });

  it.each(["abc", "0", "-1", "1.5", "8.0", "1e1", " 8", "1001", "NaN", "Infinity"])(
    "EXPORT_MAX_CONCURRENT=%j is refused with a message naming the variable and the accepted values",
    (value) => {
      expect(problem({ EXPORT_MAX_CONCURRENT: value })).toContain(
        `EXPORT_MAX_CONCURRENT=${JSON.stringify(value)}: must be a whole number from 1 to 1000 (default 8)`,
      );
    },
  );

  it.each(["abc", "0", "-5", "2.5"])("PG_POOL_MAX=%j is refused", (value) => {
    expect(problem({ PG_POOL_MAX: value })).toContain(
      `PG_POOL_MAX=${JSON.stringify(value)}: must be a whole number from 1 to 1000 (default 10)`,
    );
  });

  it.each(["yes", "no", "0", "FALSE"])("SEED_DEMO=%j is refused", (value) => {
    expect(problem({ SEED_DEMO: value })).toContain(
      `SEED_DEMO=${JSON.stringify(value)}: must be "true" or "false" (default "true")`,
    );
  });

  it("a DATABASE_URL that is not a PostgreSQL URL is refused without echoing it (it may hold a password)", () => {
    const message = problem({ DATABASE_URL: "mysql://root:s3cret@db/x" });
    expect(message).toContain("DATABASE_URL: must be a postgres:// or postgresql:// connection string");
    expect(message).not.toContain("s3cret");
  });

  it("every bad variable is named at once", () => {
    const message = problem({ EXPORT_MAX_CONCURRENT: "abc", PG_POOL_MAX: "0", SEED_DEMO: "maybe" });
    expect(message).toMatch(/^Invalid server configuration:/);
    for (const key of ["EXPORT_MAX_CONCURRENT", "PG_POOL_MAX", "SEED_DEMO"]) expect(message).toContain(key);
  });
});

describe("first use", () => {
  it("a bad EXPORT_MAX_CONCURRENT fails the export's capacity check loudly instead of answering 503", async () => {
    const saved = process.env.EXPORT_MAX_CONCURRENT;
    process.env.EXPORT_MAX_CONCURRENT = "abc";
    vi.resetModules();
    try {
      const { exportCapacity } = await import("./vouchers/export");
      const postgresHandle = { kind: "postgres" } as Parameters<typeof exportCapacity>[0];
      expect(() => exportCapacity(postgresHandle)).toThrow(
        /EXPORT_MAX_CONCURRENT="abc": must be a whole number/,
      );
      // Still refused on the next call: a bad value is never cached as a default.
      expect(() => exportCapacity(postgresHandle)).toThrow(/Invalid server configuration/);
    } finally {
      if (saved === undefined) delete process.env.EXPORT_MAX_CONCURRENT;
      else process.env.EXPORT_MAX_CONCURRENT = saved;
      vi.resetModules();
    }
  });
});
