#!/usr/bin/env bash
# Set up, build the sample ledger (out/ledger.db, by `propertytriage run`) and serve the clerks' pages
# on it, with a new demo account whose random password is printed once. Ctrl-C stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/propertytriage run >/dev/null
DB="sqlite:///$PWD/out/ledger.db"
PORT="${PORT:-8000}"
NAME="演示管理员-$(date +%m%d%H%M%S)"  # user names are unique: each run opens its own account
PASSWORD="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(12))')"
printf '%s\n' "$PASSWORD" | .venv/bin/propertytriage user create --name "$NAME" --role admin --password-stdin --db "$DB"
PROPERTYTRIAGE_SESSION_SECRET="${PROPERTYTRIAGE_SESSION_SECRET:-$(.venv/bin/python -c 'import secrets; print(secrets.token_hex(32))')}"
export PROPERTYTRIAGE_SESSION_SECRET
echo
echo "  打开 / open   http://127.0.0.1:$PORT/login"
echo "  用户名 / user  $NAME"
echo "  密码 / password  $PASSWORD"
echo
exec .venv/bin/propertytriage serve --db "$DB" --port "$PORT"
