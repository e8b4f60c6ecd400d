#!/usr/bin/env bash
# The whole test suite, from a fresh Debian machine: installs LibreOffice and
# Gnumeric (when run as root and missing), a virtualenv with the package and its
# test dependencies, then runs ruff, mypy and pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Carlito and Liberation Sans have Calibri's and Arial's metrics: LibreOffice then
# lays pages out as Excel does (the print tests measure them). Chromium loads and
# prints the report (Playwright drives this system browser; nothing is downloaded).
packages="libreoffice-calc-nogui gnumeric poppler-utils chromium fonts-wqy-microhei fonts-crosextra-carlito fonts-liberation"
if ! command -v soffice >/dev/null 2>&1 || ! command -v ssconvert >/dev/null 2>&1 \
        || ! command -v pdftoppm >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1 \
        || ! fc-list :lang=zh 2>/dev/null | grep -q . \
        || ! fc-list 2>/dev/null | grep -q Carlito || ! fc-list 2>/dev/null | grep -q "Liberation Sans"; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing LibreOffice, Gnumeric, poppler-utils, Chromium and fonts" \
             "(engines, PDF tools, a browser, Chinese glyphs and Calibri's and Arial's metrics for the tests)..."
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $packages >/dev/null
    else
        echo "LibreOffice, Gnumeric, pdftoppm, Chromium or a font is missing: their tests will be" \
             "skipped (install $packages)." >&2
    fi
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
log=$(mktemp)
if ! { .venv/bin/python -m pip install -q --upgrade pip setuptools wheel \
       && .venv/bin/python -m pip install -q -e ".[test]"; } >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
fi
rm -f "$log"
.venv/bin/ruff check generator tests benchmarks scripts
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
