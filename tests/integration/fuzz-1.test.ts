/** Fuzz, part 1 of 2 (tests/fuzz.ts): R-SEC-2 R-SEC-3 R-SEC-6. */
import { fuzzSuite } from "../fuzz";

await fuzzSuite(0, 2);
