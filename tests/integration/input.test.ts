import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { encodeCursor } from "@/server/vouchers/cursor";
import { appRouter } from "@/server/trpc/root";
import { eachDriver, seededDatabase, testDatabases } from "../db";
import { callerFor, demoUser, expectTRPCError, snapshot } from "../helpers";

const drivers = await testDatabases();

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Calls a procedure over the fetch adapter, as the browser does, to see the error body it would get. */
async function overHttp(handle: DatabaseHandle, path: string, input: unknown) {
  const url = `http://localhost/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(url),
    router: appRouter,
    createContext: () => ({ handle, sessionToken: undefined, user: demoUser("u-alice") }),
  });
  return { status: res.status, body: await res.text() };
}

describe.each(eachDriver(drivers))("[%s] invalid input (R-SEC-2)", (_name, driver) => {
  let handle: DatabaseHandle;
  let before: Awaited<ReturnType<typeof snapshot>>;
  const alice = () => callerFor(handle, "u-alice");

  beforeAll(async () => {
    handle = await seededDatabase(driver);
    before = await snapshot(handle.db);
  });
  afterAll(async () => {
    // Nothing any refused call did changed the data.
    expect(await snapshot(handle.db)).toEqual(before);
    await driver.closeAll();
  });

  it.each([
    ["garbage", "not a cursor!!"],
    ["base64 of non-JSON", Buffer.from("hello").toString("base64url")],
    ["wrong shape", b64({ a: 1 })],
    ["float value", b64({ s: "balance:desc", v: 1.5, id: "CP-1" })],
    ["bad date", encodeCursor({ s: "issued:desc", v: "yesterday", id: "CP-1" })],
    [
      "SQL in the value",
      encodeCursor({ s: "issued:desc", v: "2026-01-01'); DROP TABLE coupons; --", id: "CP-1" }),
    ],
    ["too long", "A".repeat(201)],
  ])("R-SEC-2/R-LIST-3: a malformed cursor (%s) is BAD_REQUEST", async (_label, cursor) => {
    await expectTRPCError(alice().coupons.list({ cursor }), "BAD_REQUEST");
    await expectTRPCError(alice().coupons.history({ id: "CP-7Q2M-9XK4", cursor }), "BAD_REQUEST");
  });

  it.each([
    ["a date on the balance sort", "balance", { s: "balance:desc", v: "2026-01-01 00:00:00+00", id: "CP-1" }],
    ["a number on the issued sort", "issued", { s: "issued:desc", v: 5, id: "CP-1" }],
    ["a bare year on the issued sort", "issued", { s: "issued:desc", v: "1", id: "CP-1" }],
    ["a month name on the expiry sort", "expiry", { s: "expiry:desc", v: "May 5", id: "CP-1" }],
    [
      "an impossible date on the expiry sort",
      "expiry",
      { s: "expiry:desc", v: "2026-02-30 00:00:00+00", id: "CP-1" },
    ],
  ] as const)(
    "R-SEC-2: a forged cursor with %s is BAD_REQUEST, not a failed query",
    async (_label, sort, c) => {
      await expectTRPCError(
        alice().coupons.list({ sort, dir: "desc", cursor: encodeCursor(c) }),
        "BAD_REQUEST",
      );
    },
  );

  it("R-SEC-2: forged history and order cursors are BAD_REQUEST, not a failed query", async () => {
    const badId = encodeCursor({ s: "history", v: "2026-01-01 00:00:00+00", id: "abc" });
    await expectTRPCError(alice().coupons.history({ id: "CP-7Q2M-9XK4", cursor: badId }), "BAD_REQUEST");
    const badTime = encodeCursor({ s: "history", v: "1", id: "1" });
    await expectTRPCError(alice().coupons.history({ id: "CP-7Q2M-9XK4", cursor: badTime }), "BAD_REQUEST");
    const order = encodeCursor({ s: "orders", v: "May 5", id: "ORD-1" });
    await expectTRPCError(alice().orders.list({ cursor: order }), "BAD_REQUEST");
    await expectTRPCError(alice().orders.list({ cursor: "garbage" }), "BAD_REQUEST");
  });

  it("R-SEC-2/R-LIST-3: a cursor from another sort or direction is BAD_REQUEST", async () => {
    const first = await alice().coupons.list({ sort: "balance", dir: "desc", limit: 3 });
    expect(first.nextCursor).toBeTruthy();
    const cursor = first.nextCursor ?? "";
    // Its own sort accepts it.
    expect(
      (await alice().coupons.list({ sort: "balance", dir: "desc", limit: 3, cursor })).items,
    ).toHaveLength(3);
    await expectTRPCError(alice().coupons.list({ sort: "expiry", dir: "desc", cursor }), "BAD_REQUEST");
    await expectTRPCError(alice().coupons.list({ sort: "balance", dir: "asc", cursor }), "BAD_REQUEST");
    await expectTRPCError(alice().coupons.list({ cursor }), "BAD_REQUEST"); // default issued:desc
    // A list cursor is not a history cursor, and the other way round.
    await expectTRPCError(alice().coupons.history({ id: "CP-7Q2M-9XK4", cursor }), "BAD_REQUEST");
    const history = await alice().coupons.history({ id: "CP-7Q2M-9XK4", limit: 5 });
    expect(history.nextCursor).toBeTruthy();
    await expectTRPCError(alice().coupons.list({ cursor: history.nextCursor ?? "" }), "BAD_REQUEST");
    const next = await alice().coupons.history({
      id: "CP-7Q2M-9XK4",
      limit: 5,
      cursor: history.nextCursor ?? "",
    });
    expect(next.items).toHaveLength(5);
  });

  const badList: [string, Record<string, unknown>][] = [
    ["limit 0", { limit: 0 }],
    ["limit 101", { limit: 101 }],
    ["limit 1.5", { limit: 1.5 }],
    ["limit -1", { limit: -1 }],
    ["limit as a string", { limit: "10" }],
    ["limit NaN", { limit: Number.NaN }],
    ["unknown status slug", { status: "bogus" }],
    ["status as its label", { status: "Available" }],
    ["unknown type", { type: "gift" }],
    ["unknown sort", { sort: "name" }],
    ["unknown direction", { dir: "up" }],
    ['q with "%"', { q: "%" }],
    ['q with "\'"', { q: "'" }],
    ["q with a LIKE wildcard", { q: "CP_" }],
    ["q with SQL", { q: "x' OR '1'='1" }],
    ["q too long", { q: "A".repeat(41) }],
    ["expiringWithinDays 0", { expiringWithinDays: 0 }],
    ["expiringWithinDays -7", { expiringWithinDays: -7 }],
    ["expiringWithinDays 1.5", { expiringWithinDays: 1.5 }],
    ["expiringWithinDays 3651", { expiringWithinDays: 3651 }],
    ["empty accountId", { accountId: "" }],
    ["huge accountId", { accountId: "9".repeat(65) }],
  ];

  it.each(badList)("R-SEC-2: coupons.list with %s is BAD_REQUEST", async (_label, input) => {
    await expectTRPCError(alice().coupons.list(input as never), "BAD_REQUEST");
  });

  it.each(badList.filter(([l]) => !/limit|sort|direction/.test(l)))(
    "R-SEC-2: coupons.totals with %s is BAD_REQUEST",
    async (_label, input) => {
      await expectTRPCError(alice().coupons.totals(input as never), "BAD_REQUEST");
    },
  );

  it.each([
    "",
    " ",
    "'; DROP TABLE coupons; --",
    "CP-7Q2M-9XK4%",
    "CP_7Q2M",
    "A".repeat(41),
    "CP-7Q2M-9XK4\n",
  ])("R-SEC-2: a malformed voucher id %j is BAD_REQUEST for get, history and series", async (id) => {
    if (id === "CP-7Q2M-9XK4\n") {
      // Surrounding whitespace is trimmed: that one is simply the voucher.
      expect((await alice().coupons.get({ id })).id).toBe("CP-7Q2M-9XK4");
      return;
    }
    await expectTRPCError(alice().coupons.get({ id }), "BAD_REQUEST");
    await expectTRPCError(alice().coupons.history({ id }), "BAD_REQUEST");
    await expectTRPCError(alice().coupons.series({ id }), "BAD_REQUEST");
  });

  it.each([0, 201, 1.5])("R-SEC-2: coupons.history limit %d is BAD_REQUEST", async (limit) => {
    await expectTRPCError(alice().coupons.history({ id: "CP-7Q2M-9XK4", limit }), "BAD_REQUEST");
  });

  it("R-SEC-2: wrong types are BAD_REQUEST", async () => {
    await expectTRPCError(alice().coupons.get({ id: 42 } as never), "BAD_REQUEST");
    await expectTRPCError(alice().coupons.get(undefined as never), "BAD_REQUEST");
    await expectTRPCError(alice().coupons.list({ expiringWithinDays: "7" } as never), "BAD_REQUEST");
    await expectTRPCError(alice().coupons.list({ accountId: 5000000000000101 } as never), "BAD_REQUEST");
  });

  it("R-SEC-2: over HTTP, a bad input is a 400 with a clear message, field errors and no stack trace", async () => {
    const { status, body } = await overHttp(handle, "coupons.list", { limit: 101, status: "bogus" });
    expect(status).toBe(400);
    const json = JSON.parse(body) as { error: { message: string; data: Record<string, unknown> } };
    expect(json.error.data.code).toBe("BAD_REQUEST");
    expect(Object.keys(json.error.data.fieldErrors as object).sort()).toEqual(["limit", "status"]);
    expect(body).not.toMatch(/stack|node_modules|\.ts:\d+|at [A-Za-z]+ \(/);
  });

  it("R-SEC-2: over HTTP, a malformed cursor is a 400 and a foreign voucher a 404, without internals", async () => {
    const cursor = await overHttp(handle, "coupons.list", { cursor: "bad" });
    expect(cursor.status).toBe(400);
    expect(cursor.body).toContain("The page cursor is malformed");
    const foreign = await overHttp(handle, "coupons.get", { id: "CP-BOB0-0200" });
    expect(foreign.status).toBe(404);
    for (const body of [cursor.body, foreign.body])
      expect(body).not.toMatch(/stack|node_modules|\.ts:\d+|DomainError/);
  });

  it("R-SEC-2: an unexpected failure is a 500 with a generic message: no database details reach the browser", async () => {
    const broken = new Proxy(
      {},
      {
        get() {
          throw new Error("connect ECONNREFUSED postgres://admin:hunter2@db.internal:5432");
        },
      },
    );
    const url = `http://localhost/api/trpc/coupons.list?input=${encodeURIComponent("{}")}`;
    const res = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req: new Request(url),
      router: appRouter,
      createContext: () => ({
        handle: { ...handle, db: broken as never },
        sessionToken: undefined,
        user: demoUser("u-alice"),
      }),
      onError: () => {},
    });
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).toContain("Something went wrong on our side");
    expect(body).not.toMatch(/hunter2|ECONNREFUSED|db\.internal|stack|node_modules/);
  });
});
