/**
 * R-SEC-4 (issue 11, found 5): sign-in is limited per account and per client address, in the
 * database (so every process sees one count), with a clear "try again in N minutes"; passwords are
 * hashed with scrypt N=2^17 and an older hash is replaced at the next good sign-in; expired sessions
 * are purged.
 */
import { randomBytes, scryptSync } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as signInRoute } from "@/app/api/auth/sign-in/route";
import { type DatabaseHandle, rows } from "@/db/client";
import { DEMO_PASSWORD } from "@/db/seed";
import { SCRYPT_PARAMS, verifyPassword } from "@/server/auth/password";
import { purgeExpiredSessions } from "@/server/auth/session";
import { ACCOUNT_LIMIT, ADDRESS_LIMIT, WINDOW_MINUTES } from "@/server/auth/throttle";
import { eachDriver, seededDatabase, testDatabases } from "../db";
import { callRoute } from "../helpers";

const drivers = await testDatabases();

describe.each(eachDriver(drivers))("[%s] R-SEC-4 sign-in limit", (_name, driver) => {
  let handle: DatabaseHandle;
  const post = (email: string, password: string, address = "203.0.113.7") =>
    callRoute(signInRoute, handle, "/api/auth/sign-in", {
      init: {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": address },
        body: JSON.stringify({ email, password }),
      },
    });

  beforeAll(async () => {
    handle = await seededDatabase(driver);
  });
  afterAll(() => driver.closeAll());

  it("R-SEC-4: 60 wrong passwords at once, then the right one is refused with 'try again in N minutes'", async () => {
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => post("alice@example.com", `wrong-${i}`)),
    );
    const statuses = answers.map((a) => a.status);
    // Counted before the password is checked: no more than the limit get a verdict on the password.
    expect(statuses.filter((s) => s === 401).length).toBe(ACCOUNT_LIMIT);
    expect(statuses.filter((s) => s === 429).length).toBe(60 - ACCOUNT_LIMIT);
    const right = await post("ALICE@example.com ", DEMO_PASSWORD, "198.51.100.9"); // another address too
    expect(right.status).toBe(429);
    const body = (await right.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(
      new RegExp(`^Too many sign-in attempts\\. Try again in ${WINDOW_MINUTES} minutes\\.$`),
    );
    expect(right.headers.get("retry-after")).toBe(String(WINDOW_MINUTES * 60));
    expect(right.headers.get("set-cookie")).toBeNull();

    // The count lives in the database: any process sees it. The window ending frees the account.
    await handle.db.execute(
      sql`UPDATE sign_in_throttle SET window_start = now() - make_interval(mins => ${WINDOW_MINUTES + 1})`,
    );
    const later = await post("alice@example.com", DEMO_PASSWORD);
    expect(later.status).toBe(200);
    expect(later.headers.get("set-cookie")).toMatch(/vc_session=/);
  });

  it("R-SEC-4: a form sign-in over the limit goes back to the sign-in page with the wait", async () => {
    await handle.db.execute(
      sql`INSERT INTO sign_in_throttle (key, attempts) VALUES ('account:bob@acme.example', ${ACCOUNT_LIMIT})
          ON CONFLICT (key) DO UPDATE SET attempts = excluded.attempts, window_start = now()`,
    );
    const res = await callRoute(signInRoute, handle, "/api/auth/sign-in", {
      init: {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email: "bob@acme.example", password: DEMO_PASSWORD }),
      },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/sign-in\?error=throttled&wait=15&/);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("R-SEC-4: one address trying many accounts is limited; another address is not; good sign-ins do not count", async () => {
    const address = "192.0.2.44";
    // Good sign-ins from the address give their attempt back.
    for (let i = 0; i < 2; i++)
      expect((await post("carol@acme.example", DEMO_PASSWORD, address)).status).toBe(200);
    const [row] = await rows<{ attempts: number }>(
      handle.db,
      sql`SELECT attempts FROM sign_in_throttle WHERE key = ${`address:${address}`}`,
    );
    expect(Number(row?.attempts)).toBe(0);
    // ADDRESS_LIMIT failures (set directly: each real one costs a full scrypt) and one more wrong one.
    await handle.db.execute(
      sql`UPDATE sign_in_throttle SET attempts = ${ADDRESS_LIMIT - 1} WHERE key = ${`address:${address}`}`,
    );
    expect((await post("nobody-1@example.com", "x", address)).status).toBe(401);
    const limited = await post("dave@acme.example", DEMO_PASSWORD, address);
    expect(limited.status).toBe(429);
    expect((await post("dave@acme.example", DEMO_PASSWORD, "192.0.2.45")).status).toBe(200);
  });

  it("R-SEC-4: a good sign-in clears the account's count", async () => {
    // ACCOUNT_LIMIT - 1 failures (set directly: each real one costs a full scrypt).
    await handle.db.execute(
      sql`INSERT INTO sign_in_throttle (key, attempts) VALUES ('account:finance@acme.example', ${ACCOUNT_LIMIT - 1})`,
    );
    expect((await post("finance@acme.example", DEMO_PASSWORD, "198.51.100.20")).status).toBe(200);
    expect((await post("finance@acme.example", "bad-again", "198.51.100.20")).status).toBe(401);
    expect((await post("finance@acme.example", DEMO_PASSWORD, "198.51.100.20")).status).toBe(200);
  });

  it("R-SEC-4: a hash made with N=2^14 is replaced by an N=2^17 one at the next good sign-in", async () => {
    const salt = randomBytes(16);
    const old = [
      "scrypt",
      16384,
      8,
      1,
      salt.toString("base64url"),
      scryptSync(DEMO_PASSWORD, salt, 32, { N: 16384, r: 8, p: 1 }).toString("base64url"),
    ].join("$");
    await handle.db.execute(sql`UPDATE users SET password_hash = ${old} WHERE id = 'u-operator'`);
    expect((await post("operator@example.com", DEMO_PASSWORD, "198.51.100.30")).status).toBe(200);
    const [u] = await rows<{ h: string }>(
      handle.db,
      sql`SELECT password_hash AS h FROM users WHERE id = 'u-operator'`,
    );
    expect(u?.h.startsWith(`scrypt$${SCRYPT_PARAMS.N}$8$1$`)).toBe(true);
    expect(SCRYPT_PARAMS.N).toBe(2 ** 17);
    expect(await verifyPassword(DEMO_PASSWORD, u?.h ?? "")).toBe(true);
    // A wrong password never rehashes.
    expect((await post("operator@example.com", "nope", "198.51.100.30")).status).toBe(401);
  });

  it("R-SEC-4: expired sessions are purged (at each sign-in, and on demand)", async () => {
    await handle.db.execute(
      sql`INSERT INTO sessions (token_hash, user_id, expires_at) VALUES
            ('expired-a', 'u-alice', now() - interval '1 day'), ('expired-b', 'u-bob', now() - interval '1 minute')`,
    );
    expect((await post("alice@example.com", DEMO_PASSWORD, "198.51.100.40")).status).toBe(200);
    const left = await rows(handle.db, sql`SELECT 1 FROM sessions WHERE expires_at <= now()`);
    expect(left).toEqual([]);
    await handle.db.execute(
      sql`INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ('expired-c', 'u-alice', now() - interval '1 second')`,
    );
    expect(await purgeExpiredSessions(handle.db)).toBe(1);
  });
});
