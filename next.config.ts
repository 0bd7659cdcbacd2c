import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";
import { API_HEADERS, SECURITY_HEADERS } from "./lib/security-headers";

const config: NextConfig = {
  // PGlite loads its WASM and data files from its own package folder; bundling it breaks that. The job
  // queue (pg-boss with pg) and nodemailer are plain Node packages, loaded as they are (decision 016).
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "pg-boss", "pg", "nodemailer"],
  poweredByHeader: false,
  // `npm test` type-checks the whole project (tsc --noEmit) as its own step; not again inside the build.
  typescript: { ignoreBuildErrors: true },
  // R-SEC-5: nosniff, Referrer-Policy and no framing on every answer; API answers may run nothing
  // and are not cached (the door and the tRPC endpoint also say no-store); pages get their
  // nonce-based CSP from proxy.ts.
  async headers() {
    return [
      { source: "/:path*", headers: SECURITY_HEADERS },
      // The same list the Node entry sends on the API routes it serves (server/http/node.ts).
      { source: "/api/:path*", headers: API_HEADERS.filter((h) => !SECURITY_HEADERS.includes(h)) },
    ];
  },
};

// next-intl without i18n routing: the request config (i18n/request.ts) picks language and zone.
export default createNextIntlPlugin("./i18n/request.ts")(config);
