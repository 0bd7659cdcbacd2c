import { describe, expect, it } from "vitest";
import { auditSentence, mentioned } from "./audit-text";

const names = {
  accounts: new Map([
    ["5000000000000202", "Bob Li (Acme)"],
    ["5000000000000203", "Carol Wang (Acme)"],
  ]),
  users: new Map([["u-fay", { name: "Fay Finance", email: "finance@acme.example" }]]),
  currency: "USD",
};

describe("audit sentences (R-POOL-5, R-UX-2)", () => {
  it("words a generation with money and the names of the accounts it is shared with", () => {
    const e = {
      action: "pool.generate",
      targetType: "coupon",
      targetId: "CP-NEW1",
      details: {
        amountMinor: 2500,
        quantity: 2,
        poolId: "pool-acme-usd",
        sharedWith: ["5000000000000202", "5000000000000203"],
      },
    };
    expect(auditSentence(e, names)).toBe(
      "Generated voucher CP-NEW1 of $25.00 (one of 2 generated together), shared with Bob Li (Acme) (UID 5000000000000202) and Carol Wang (Acme) (UID 5000000000000203).",
    );
    expect(mentioned([e]).accounts).toEqual(["5000000000000202", "5000000000000203"]);
  });

  it("takes the amount from the pool's funds when the details have none", () => {
    expect(
      auditSentence(
        {
          action: "pool.reclaim",
          targetType: "coupon",
          targetId: "CP-X",
          details: {},
          beforeMinor: 350_000,
          afterMinor: 388_000,
        },
        names,
      ),
    ).toBe("Reclaimed the remaining $380.00 of voucher CP-X into the pool.");
  });

  it("names users and permissions, never field names or codes", () => {
    const s = auditSentence(
      {
        action: "permission.revoke",
        targetType: "user",
        targetId: "u-fay",
        details: {
          permission: "quota_pool",
          email: "finance@acme.example",
          financialAccountId: "5000000000000201",
        },
      },
      names,
    );
    expect(s).toBe("Revoked the Coupon Quota Pool permission from Fay Finance (finance@acme.example).");
    expect(s).not.toMatch(/quota_pool|financialAccountId|:/);
  });
});
