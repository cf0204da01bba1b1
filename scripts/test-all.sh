#!/usr/bin/env bash
# The full test suite (`npm test`): typecheck, lint, unit/integration tests on the embedded
# PostgreSQL (and again on TEST_DATABASE_URL when set), a production build, then browser e2e.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
mkdir -p test-results
step() { printf '\n== %s ==\n' "$*"; }

step "typecheck"
npx tsc --noEmit
step "lint"
npx eslint . --max-warnings 0

step "vitest on the embedded PostgreSQL"
env -u TEST_DATABASE_URL npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest-embedded.json

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  step "vitest on external PostgreSQL (TEST_DATABASE_URL)"
  npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest-external.json
fi

step "route fuzz (quick fixed seed; npm run fuzz for 10,000 inputs)"
env -u TEST_DATABASE_URL npx vitest run --config vitest.fuzz.config.mts --reporter=default --reporter=json --outputFile.json=test-results/vitest-fuzz.json

step "production build"
npx next build

step "browser e2e (Playwright, Debian chromium)"
npx playwright test

node scripts/summarize-tests.mjs
