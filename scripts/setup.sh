#!/usr/bin/env bash
# Set up propertytriage on a fresh Debian machine: system libraries for PDF rendering, then a
# virtual environment in .venv with the package (editable) and, with --test, the test tools.
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# WeasyPrint needs Pango (text layout) and HarfBuzz; fontconfig finds the bundled fonts.
# fonts-hanazono (HanaMin, SIL OFL 1.1): the CJK ideographs of Extensions B-F that the bundled
# fonts lack, so that every legal name prints (forms/fonts/README.md).
DEBS="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 fontconfig shared-mime-info fonts-hanazono"
missing=""
for pkg in $DEBS; do
  # "triggers-pending" is installed too (another apt run may be processing triggers)
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -Eq "ok (installed|triggers-)" || missing="$missing $pkg"
done
# The ledger's tests start a throwaway PostgreSQL cluster of their own (initdb, pg_ctl).
if [ "${1:-}" = "--test" ] && ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing="$missing postgresql"
fi
# The page tests drive Debian's headless chromium through its WebDriver (selenium), in Chinese:
# chromium-l10n holds every locale but en-US (without it a date field reads MM/DD/YYYY).
# poppler-utils: pdftotext, with which tests read the text and word boxes of the PDFs they download.
if [ "${1:-}" = "--test" ]; then
  for pkg in chromium chromium-driver chromium-l10n poppler-utils; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -Eq "ok (installed|triggers-)" || missing="$missing $pkg"
  done
fi
if [ -n "$missing" ]; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "setup: please install:$missing (e.g. sudo apt-get install$missing)" >&2
    exit 1
  fi
fi

# durable-rules 2.0.28 builds a C extension that does not import on Python 3.13: use 3.12 or 3.11.
PY=""
for candidate in python3.12 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(not ((3, 11) <= sys.version_info[:2] <= (3, 12)))' 2>/dev/null; then
    PY="$candidate"; break
  fi
done
[ -n "$PY" ] || { echo "setup: Python 3.11 or 3.12 is required" >&2; exit 1; }

[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -e '.[test]' 2>&1 | grep -v "^WARNING: Location" || true
else
  .venv/bin/python -m pip install -q -e . 2>&1 | grep -v "^WARNING: Location" || true
fi
.venv/bin/python -c "import propertytriage, durable.engine, weasyprint" \
  || { echo "setup: installation failed" >&2; exit 1; }
