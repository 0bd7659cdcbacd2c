import { serverEnv } from "@/server/env";
import { DomainError } from "@/server/errors";

/**
 * Request hygiene shared by the tRPC endpoint and the route handlers' door (issue 11, R-SEC-2,
 * R-SEC-3): each class of hostile input is refused here, in one place, before any handler runs.
 *
 *   NUL characters   PostgreSQL cannot store U+0000 in text (SQLSTATE 22021): any string or key
 *                    of any input holding one is a 400, whatever field it is in.
 *   bad encodings    a path segment whose percent-encoding does not decode is a 400.
 *   cross-site       a state-changing request whose Origin (or, without one, Sec-Fetch-Site or
 *                    Referer) is not the console's own is a 403 (decision 014).
 */

export const NUL_MESSAGE = "Text cannot contain a NUL character (\\0). Remove it and try again.";

/** True when any string or object key in `value` holds U+0000 (arrays and objects, any depth). */
export function containsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  let seen = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (++seen > 100_000) return false; // the schemas' own size limits refuse anything this big
    if (typeof v === "string") {
      if (v.includes("\0")) return true;
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (v && typeof v === "object") {
      for (const [k, item] of Object.entries(v)) {
        if (k.includes("\0")) return true;
        stack.push(item);
      }
    }
  }
  return false;
}

/** Control characters (C0, DEL): never part of an email, a redirect path or a query parameter. */
export function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/**
 * Refuses a URL whose path does not percent-decode, or whose path or query holds a NUL; returns
 * nothing when the URL is clean.
 */
export function checkUrl(url: URL): void {
  for (const segment of url.pathname.split("/")) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      throw new DomainError("INVALID_INPUT", "BAD_ADDRESS");
    }
    if (decoded.includes("\0")) throw new DomainError("INVALID_INPUT", "NUL_TEXT");
  }
  for (const [k, v] of url.searchParams) {
    if (k.includes("\0") || v.includes("\0")) throw new DomainError("INVALID_INPUT", "NUL_TEXT");
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * What the guards read of a request: a fetch Request (Next's route handlers), or the Node entry's
 * view of an IncomingMessage (server/http/node.ts), so both doors run these very functions.
 */
export type RequestLike = { method: string; url: string; headers: { get(name: string): string | null } };

/**
 * The console's own origin for this request: the URL the server was asked for (Next builds it from
 * the Host header), plus any configured in APP_ORIGINS (a console behind a proxy that rewrites Host).
 */
function ownOrigins(req: RequestLike): Set<string> {
  const own = new Set<string>(serverEnv().appOrigins);
  const url = new URL(req.url);
  own.add(url.origin);
  const host = req.headers.get("host");
  if (host) own.add(`${url.protocol}//${host}`);
  return own;
}

/**
 * Why a state-changing request is cross-site, or null when it is the console's own (R-SEC-3).
 * Browsers send Origin on every cross-origin POST and on same-origin POSTs too; a request with
 * neither Origin, Sec-Fetch-Site nor Referer is not from a browser page (curl, a server, a test)
 * and carries no ambient cookie of a victim, so it passes (decision 014).
 */
export function crossSiteReason(req: RequestLike): string | null {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return null;
  const own = ownOrigins(req);
  const origin = req.headers.get("origin");
  if (origin !== null) return own.has(origin) ? null : `Origin ${origin.slice(0, 100)} is not this console`;
  const site = req.headers.get("sec-fetch-site");
  if (site !== null) {
    return site === "same-origin" || site === "none" ? null : `Sec-Fetch-Site ${site.slice(0, 20)}`;
  }
  const referer = req.headers.get("referer");
  if (referer !== null) {
    try {
      return own.has(new URL(referer).origin) ? null : "Referer is not this console";
    } catch {
      return "Referer is not a URL";
    }
  }
  return null;
}

export const CROSS_SITE_MESSAGE =
  "This request came from another site and was refused. Open the console directly and try again.";

/**
 * Where sign-in may send the user afterwards: a path on this console, after URL parsing (R-SEC-3).
 * Control characters (CR/LF, tab…) are an error; anything that resolves off-site, or is spelled so
 * that a browser might read it so (`//host`, `/\host`), falls back to the default page.
 */
export function safeNextPath(raw: string, base: string, fallback = "/coupons"): string {
  if (hasControl(raw)) {
    throw new DomainError("INVALID_INPUT", "BAD_NEXT_PATH");
  }
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.includes("\\")) return fallback;
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return fallback;
  }
  if (url.origin !== new URL(base).origin) return fallback;
  const path = url.pathname + url.search + url.hash;
  return path.startsWith("/") && !path.startsWith("//") ? path : fallback;
}
