/**
 * Closes a pay-as-you-go billing cycle for every account (R-PAYG-1), for scheduled runs:
 *
 *   npm run close-cycle -- 2026-11
 *
 * One bill per short transaction; safe to run twice, side by side, or again after being killed
 * half-way: each bill is closed once. Uses DATABASE_URL (PostgreSQL) or the embedded database folder
 * (PGLITE_DIR, default .data/pglite; only while the console is not running: PGlite allows one
 * process). Exit code 0 when every open bill of the cycle is closed, 1 otherwise.
 */
import { appDatabase } from "@/db";
import { closeCycle, describeClose } from "@/server/bills/service";
import { cycle } from "@/server/bills/schema";

const arg = process.argv[2] ?? "";
const parsed = cycle.safeParse(arg);
if (!parsed.success) {
  console.error(`Usage: npm run close-cycle -- YYYY-MM   (got "${arg}")`);
  process.exit(2);
}
const handle = await appDatabase();
const started = performance.now();
const verbose = process.env.VERBOSE === "1";
const result = await closeCycle(handle.db, null, parsed.data, (r) => {
  if (verbose) console.log(describeClose(r));
});
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `cycle ${result.cycle}: ${result.closed} bill(s) closed, ${result.alreadyClosed} already closed, ` +
    `${result.refused.length} refused, in ${seconds} s`,
);
for (const r of result.refused) console.log(`  ${r.billId}: ${r.message}`);
await handle.close();
process.exit(result.refused.length > 0 ? 1 : 0);
