import { randomBytes, scrypt as scryptCb, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

const scrypt = promisify(scryptCb) as (
  pw: string,
  salt: Buffer,
  len: number,
  opts: object,
) => Promise<Buffer>;

/**
 * OWASP's scrypt minimum (N=2^17, r=8, p=1: 128 MiB per hash; issue 11). Hashes made with a lower
 * cost still verify and are replaced on the next successful sign-in (needsRehash).
 */
export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 };
/** Above the 128 MiB scrypt needs at these parameters (Node's default cap is 32 MiB). */
const MAXMEM = 256 * 1024 * 1024;
/** The most a stored hash may ask for: a corrupted or hostile row cannot make verify run away. */
const MAX_N = 2 ** 20;

/** scrypt$N$r$p$salt$hash, base64url parts. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, { ...SCRYPT_PARAMS, maxmem: MAXMEM });
  return [
    "scrypt",
    SCRYPT_PARAMS.N,
    SCRYPT_PARAMS.r,
    SCRYPT_PARAMS.p,
    salt.toString("base64url"),
    hash.toString("base64url"),
  ].join("$");
}

function parse(stored: string) {
  const [alg, n, r, p, salt, hash] = stored.split("$");
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (alg !== "scrypt" || !salt || !hash) return null;
  if (!Number.isSafeInteger(params.N) || params.N < 2 || params.N > MAX_N) return null;
  if (!(params.r >= 1 && params.r <= 32 && params.p >= 1 && params.p <= 4)) return null;
  return { params, salt: Buffer.from(salt, "base64url"), hash: Buffer.from(hash, "base64url") };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const h = parse(stored);
  if (!h || h.hash.length === 0) return false;
  const actual = await scrypt(password, h.salt, h.hash.length, { ...h.params, maxmem: 4 * MAXMEM });
  return timingSafeEqual(h.hash, actual);
}

/** True when a stored hash was made with less than today's cost: rehash it after a good sign-in. */
export function needsRehash(stored: string): boolean {
  const h = parse(stored);
  return !h || h.params.N < SCRYPT_PARAMS.N || h.params.r < SCRYPT_PARAMS.r || h.params.p < SCRYPT_PARAMS.p;
}
