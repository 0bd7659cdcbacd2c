/**
 * Fuzz (issue 11, R-SEC-2, R-SEC-3, R-SEC-6): every procedure of appRouter gets FUZZ_RUNS inputs
 * (default 2,000) built from its own zod schema (through its JSON Schema, into fast-check), half of
 * them made hostile: one field, or the whole input, replaced by a member of the families that
 * answered 500 before (NUL bytes, years 0000/0001 in dates and forged cursors, bad %-encodings,
 * CR/LF, huge and negative numbers, wrong types, lone surrogates, very long strings).
 * Requirements: no answer maps to an HTTP status ≥ 500, and a run of rejected inputs changes nothing.
 * PGlite only, procedures called in-process (createCaller), split over tests/integration/fuzz-*.test.ts
 * so that both vitest workers share it, to keep `npm test` short.
 */
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { DatabaseHandle } from "@/db/client";
import { ACCOUNTS } from "@/db/seed";
import { appRouter } from "@/server/trpc/root";
import { encodeCursor } from "@/server/vouchers/cursor";
import { seededDatabase, testDatabases } from "./db";
import { callerFor, type DemoUserId, snapshot } from "./helpers";

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

type Json = Record<string, unknown>;
type Procedure = { _def: { type: "query" | "mutation"; inputs: z.ZodType[] } };
const procedures = (appRouter as unknown as { _def: { procedures: Record<string, Procedure> } })._def
  .procedures;

/** A fast-check arbitrary for a JSON Schema (the subset zod emits for our inputs). */
function fromJsonSchema(s: Json | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!s || depth > 6) return fc.constant(undefined);
  if (Array.isArray(s.anyOf))
    return fc.oneof(...(s.anyOf as Json[]).map((x) => fromJsonSchema(x, depth + 1)));
  if (Array.isArray(s.oneOf))
    return fc.oneof(...(s.oneOf as Json[]).map((x) => fromJsonSchema(x, depth + 1)));
  if ("const" in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  switch (s.type) {
    case "string": {
      if (typeof s.pattern === "string") {
        try {
          const max = typeof s.maxLength === "number" ? s.maxLength : 200;
          return fc
            .stringMatching(new RegExp(s.pattern))
            .filter((v) => v.length <= max && v.length >= ((s.minLength as number) ?? 0));
        } catch {
          // fall through to a plain string
        }
      }
      return fc.string({
        minLength: (s.minLength as number) ?? 0,
        maxLength: Math.min((s.maxLength as number) ?? 60, 300),
        unit: "binary",
      });
    }
    case "integer":
      return fc.integer({
        min: Math.max((s.minimum as number) ?? -1e9, Number.MIN_SAFE_INTEGER),
        max: Math.min((s.maximum as number) ?? 1e12, Number.MAX_SAFE_INTEGER),
      });
    case "number":
      return fc.double({
        min: (s.minimum as number) ?? -1e9,
        max: (s.maximum as number) ?? 1e12,
        noNaN: true,
      });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(fromJsonSchema(s.items as Json, depth + 1), {
        minLength: (s.minItems as number) ?? 0,
        maxLength: Math.min((s.maxItems as number) ?? 5, 20),
      });
    case "object": {
      const props = (s.properties ?? {}) as Record<string, Json>;
      const required = new Set((s.required as string[]) ?? []);
      const keys = Object.keys(props);
      if (keys.length === 0) return fc.constant({});
      return fc.record(Object.fromEntries(keys.map((k) => [k, fromJsonSchema(props[k], depth + 1)])), {
        requiredKeys: keys.filter((k) => required.has(k)),
      });
    }
    default:
      return fc.anything({ maxDepth: 2 });
  }
}

/** The families of input that answered 500 before issue 11, and other classics. */
const cursorWith = (v: string | number) =>
  fc
    .constantFrom("issued:desc", "balance:asc", "expiry:desc", "history", "orders", "bills", "bill-lines")
    .map((sort) => encodeCursor({ s: sort, v, id: "CP-0000-0000" }));
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 20 }).map((s) => `${s}\0${s}`),
  fc.constantFrom(
    "\0",
    "0000-01-01",
    "0001-01-01",
    "0000-12-31",
    "0000-01-01T00:00:00Z",
    "0001-01-01T00:00:00+00:00",
    "0000-01-01 00:00:00+00",
    "%E0%A4%A",
    "%",
    "%00",
    "a\r\nb",
    "\r\n",
    "/\\evil.example",
    "\uD800",
    "x".repeat(10_000),
    "9".repeat(400),
    "-1",
    "1e308",
    "NaN",
    "",
    " ",
    "'; DROP TABLE coupons; --",
    "CP-ACME-0100",
    ACCOUNTS.acme,
    "all",
  ),
  cursorWith("0000-01-01 00:00:00+00"),
  cursorWith("0001-01-01 00:00:00+00"),
  cursorWith(Number.MAX_SAFE_INTEGER),
  fc.constantFrom(
    -1,
    0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    0.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
  ),
  fc.constantFrom(null, true, [], {}, [null], { "\0": 1 }),
);

/** A schema-shaped input with one field replaced by a hostile value, or a hostile input outright. */
function hostile(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    hostileValue,
    fc.tuple(valid, fc.nat(), hostileValue).map(([v, i, h]) => {
      if (!v || typeof v !== "object" || Array.isArray(v)) return h;
      const keys = Object.keys(v as Json);
      const all = keys.length > 0 ? keys : ["id"];
      return { ...(v as Json), [all[i % all.length] as string]: h };
    }),
  );
}

function inputArbitrary(p: Procedure): fc.Arbitrary<unknown> {
  const schema = p._def.inputs[0];
  if (!schema) return fc.oneof(fc.constant(undefined), hostileValue);
  let json: Json;
  try {
    json = z.toJSONSchema(z.intersection(...(p._def.inputs as [z.ZodType, z.ZodType])), {
      unrepresentable: "any",
      io: "input",
    }) as Json;
  } catch {
    json = z.toJSONSchema(schema, { unrepresentable: "any", io: "input" }) as Json;
  }
  if (Array.isArray(json.allOf)) {
    const parts = json.allOf as Json[];
    json = {
      type: "object",
      properties: Object.assign({}, ...parts.map((x) => x.properties ?? {})),
      required: parts.flatMap((x) => (x.required as string[]) ?? []),
    };
  }
  const valid = fromJsonSchema(json);
  return fc.oneof(valid, hostile(valid));
}

/** Who calls: the operator for operator procedures, the Acme owner (the most rights) for the rest. */
const callerOf = (path: string): DemoUserId =>
  /^operator\.|^bills\.(recordUsage|close|closeCycle)$/.test(path) ? "u-operator" : "u-acme-admin";

/**
 * The fuzz suite over the procedures whose index in the router is `part` modulo `parts`: split over
 * test files so that vitest's two workers share the work.
 */
export async function fuzzSuite(part: number, parts: number) {
  const drivers = (await testDatabases()).filter((d) => d.name === "pglite");
  const mine = Object.entries(procedures).filter((_, i) => i % parts === part);
  describe.each(drivers.map((d) => [d.name, d] as const))(
    `[%s] fuzz ${part + 1}/${parts}`,
    (_name, driver) => {
      let handle: DatabaseHandle;
      beforeAll(async () => {
        handle = await seededDatabase(driver);
      });
      afterAll(() => driver.closeAll());

      it(`R-SEC-2 R-SEC-3 R-SEC-6: every procedure, ${RUNS} schema-built and hostile inputs each: no answer ≥ 500, rejected input changes nothing`, async () => {
        const failures: string[] = [];
        let total = 0;
        for (const [path, p] of mine) {
          const caller = callerFor(handle, callerOf(path));
          let fn: unknown = caller;
          for (const part of path.split(".")) fn = (fn as Record<string, unknown>)[part];
          const call = fn as (input: unknown) => Promise<unknown>;
          const started = Date.now();
          const samples = fc.sample(inputArbitrary(p), { numRuns: RUNS, seed: 11 });
          // Rejected inputs are checked in chunks: a chunk where every input was refused must leave
          // the database exactly as it was (mutations only; a query never writes).
          const chunk = p._def.type === "mutation" ? 100 : Number.POSITIVE_INFINITY;
          let before = p._def.type === "mutation" ? await snapshot(handle.db) : null;
          let acceptedInChunk = false;
          for (const [i, input] of samples.entries()) {
            total++;
            try {
              await call(input);
              acceptedInChunk = true;
            } catch (e) {
              const status = getHTTPStatusCodeFromError(e as never);
              if (!(e instanceof Error) || !("code" in e) || status >= 500) {
                failures.push(
                  `${path} ${String(status)} ${(e as Error)?.message?.slice(0, 120)} input=${JSON.stringify(input)?.slice(0, 200)}`,
                );
              }
            }
            if (before && (i + 1) % chunk === 0) {
              const after = await snapshot(handle.db);
              if (!acceptedInChunk && JSON.stringify(after) !== JSON.stringify(before)) {
                failures.push(`${path}: rejected inputs changed the database`);
              }
              before = after;
              acceptedInChunk = false;
            }
          }
          if (process.env.FUZZ_TIMES) console.log(`${path} ${Date.now() - started} ms`);
        }
        expect(total).toBeGreaterThanOrEqual(RUNS * mine.length);
        expect(failures.slice(0, 20)).toEqual([]);
      }, 900_000); // ~100 s per half on an idle 2-core machine; several times that when it is shared
    },
  );
}
