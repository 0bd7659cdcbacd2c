/**
 * R-SEC-6: a caller's right is checked on every request before anything is read, replays of an
 * idempotency key included. The Quota Pool calls (move-in, generate, reclaim) claim a key; once the
 * owner revokes the administrator's Quota Pool permission, the same request with the same key is
 * refused (FORBIDDEN) and its stored answer is never returned.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "@/db/client";
import { ACCOUNTS } from "@/db/seed";
import { eachDriver, seededDatabase, testDatabases } from "../db";
import { generateArgs, key, poolSnapshot } from "../enterprise-helpers";
import { callerFor, expectTRPCError } from "../helpers";

const drivers = await testDatabases();

describe.each(eachDriver(drivers))("[%s] R-SEC-6 replays after a revoked permission", (_name, driver) => {
  let handle: DatabaseHandle;
  const owner = () => callerFor(handle, "u-acme-admin");
  const finance = () => callerFor(handle, "u-acme-finance");
  const revoke = () => owner().enterprise.revoke({ userId: "u-acme-finance", permission: "quota_pool" });
  const grant = () => owner().enterprise.grant({ userId: "u-acme-finance", permission: "quota_pool" });

  beforeAll(async () => {
    handle = await seededDatabase(driver);
  });
  afterAll(() => driver.closeAll());

  it("R-SEC-6: generate, reclaim and move-in replays are refused once the Quota Pool right is revoked", async () => {
    const gen = generateArgs({ amount: "1.00" });
    const generated = await finance().quotaPool.generate(gen);
    const reclaimKey = key();
    const reclaimed = await finance().quotaPool.reclaim({
      couponId: generated.ids[0] ?? "",
      idempotencyKey: reclaimKey,
    });
    // A cash voucher of the financial account to move in.
    const issued = await callerFor(handle, "u-operator").operator.issue({
      accountId: ACCOUNTS.acme,
      nominal: "2.00",
      effectiveFrom: "2020-01-01",
      expiresOn: "2099-12-31",
      idempotencyKey: key(),
    });
    const moveKey = key();
    const moved = await finance()
      .quotaPool.moveIn({ couponId: issued.id, idempotencyKey: moveKey })
      .catch((e: unknown) => e);

    // While the right holds, a replay answers the stored result.
    expect(await finance().quotaPool.generate(gen)).toEqual(generated);
    expect(
      await finance().quotaPool.reclaim({ couponId: generated.ids[0] ?? "", idempotencyKey: reclaimKey }),
    ).toEqual(reclaimed);

    await revoke();
    try {
      const before = await poolSnapshot(handle.db);
      const e1 = await expectTRPCError(finance().quotaPool.generate(gen), "FORBIDDEN");
      expect(JSON.stringify(e1)).not.toContain(generated.ids[0]);
      await expectTRPCError(
        finance().quotaPool.reclaim({ couponId: generated.ids[0] ?? "", idempotencyKey: reclaimKey }),
        "FORBIDDEN",
      );
      await expectTRPCError(
        finance().quotaPool.moveIn({ couponId: issued.id, idempotencyKey: moveKey }),
        "FORBIDDEN",
      );
      expect(await poolSnapshot(handle.db)).toEqual(before);
    } finally {
      await grant();
    }
    // Granted again: the replay is the stored answer once more (nothing was done twice).
    expect(await finance().quotaPool.generate(gen)).toEqual(generated);
    if (!(moved instanceof Error)) {
      expect(await finance().quotaPool.moveIn({ couponId: issued.id, idempotencyKey: moveKey })).toEqual(
        moved,
      );
    }
  });
});
