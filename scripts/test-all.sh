#!/usr/bin/env bash
# Runs every test from a fresh clone: installs what the tests need, then typecheck, lint,
# a production build, unit + integration (PGlite and, when reachable, PostgreSQL), and e2e.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "== installing Debian's chromium for the e2e tests"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi

echo "== typecheck";  npx tsc --noEmit
echo "== lint";       npx biome check .
# The build comes first: tests/server-shutdown.test.ts starts the built Node entry.
echo "== build";      npm run build
echo "== unit + integration"; npx vitest run
echo "== e2e";        npx playwright test
echo "== all tests passed"
