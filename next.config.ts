import type { NextConfig } from "next";

const config: NextConfig = {
  // PGlite loads its WASM and data files from its own package folder; bundling it breaks that.
  serverExternalPackages: ["@electric-sql/pglite", "postgres"],
  poweredByHeader: false,
};

export default config;
