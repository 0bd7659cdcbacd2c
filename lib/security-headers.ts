/**
 * The console's security headers (R-SEC-5, issue 11 found 6), in one place: next.config.ts sends
 * SECURITY_HEADERS with every answer (pages, API, static files), and proxy.ts adds the per-request
 * nonce-based Content-Security-Policy to every page. No imports: next.config.ts loads this file.
 */

/** Sent with every answer. */
export const SECURITY_HEADERS: { key: string; value: string }[] = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // frame-ancestors 'none' in the CSP says the same to browsers that read it; this is for the rest.
  { key: "X-Frame-Options", value: "DENY" },
];

/**
 * A page's policy: scripts only from this origin with this request's nonce ('strict-dynamic' lets
 * the scripts Next loads with the nonce load their chunks), never 'unsafe-inline' scripts; style
 * sheets from this origin or with the nonce, style attributes allowed; nothing framed, nothing
 * posted elsewhere. `dev` adds
 * 'unsafe-eval', which `next dev` needs for its error overlay and hot reload (never in production).
 */
export function contentSecurityPolicy(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    // Style attributes (the charts size themselves with style="…" in the server's HTML) cannot run
    // code; <style> elements still need the nonce (decision 014).
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src 'self'${dev ? " ws:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** The policy of answers that are not pages (JSON, CSV): nothing may run or be framed. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Every answer under /api: the security headers, the API policy and no caching (R-SEC-5). next.config.ts
 * sends them for the routes Next serves, server/http/node.ts for the ones the Node entry serves.
 */
export const API_HEADERS: { key: string; value: string }[] = [
  ...SECURITY_HEADERS,
  { key: "Content-Security-Policy", value: API_CSP },
  { key: "Cache-Control", value: "no-store" },
];
