#!/usr/bin/env bash
# Everything CI checks, in the order a developer wants the failures: generated files
# fresh, lint, then the Python and JS test suites (the E2E suite runs inside pytest).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== generated bundle is fresh"
postguard rules build --check

echo "== site lists derived from the adapters (manifest hosts, platforms/index.js, per-site files)"
node scripts/sites.mjs --check

echo "== Firefox manifest agrees with the Chromium one"
node scripts/build-firefox.mjs --check

echo "== the console's Chart.js copy matches the npm devDependency"
node scripts/vendor-chart.mjs --check

echo "== the extension's copies of exifr and zxing-wasm match the npm devDependencies"
node scripts/vendor-image-libs.mjs --check

echo "== ruff"
ruff check backend tests scripts

echo "== mypy (strict on the engine)"
mypy --strict backend/postguard/engine

echo "== eslint"
npx --no-install eslint .

echo "== pytest"
# One worker per core; a test file stays on one worker (its module fixtures).
python -m pytest -q -n auto --dist loadfile "$@"

echo "== node --test"
# Listed, not `node --test tests/`: Node >= 21 takes a directory for a file name.
mapfile -t js_tests < <(find tests -regex '.*\.test\.[cm]?js' | sort)
node --test "${js_tests[@]}"
