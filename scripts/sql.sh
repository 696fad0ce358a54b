#!/usr/bin/env bash
# Query the ledger with the DuckDB shell, read-only: scripts/sql.sh [DB_FILE] [duckdb options...]
# The file (default: $BALANCE_SYNC_DB, else balance_sync.duckdb) is attached under the fixed
# name `ledger`, as the loader and dbt attach it, so `marts.x` means the same whatever the
# file is called (a file opened directly takes its catalog name from its file name, and
# `marts.duckdb` would make `marts.x` ambiguous). Example:
#   scripts/sql.sh ledger.duckdb -c "select * from marts.users limit 5"
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
database="${BALANCE_SYNC_DB:-balance_sync.duckdb}"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
    database="$1"
    shift
fi
if [ ! -f "$database" ]; then
    echo "error: $database: no such database file; load logs first (scripts/load_logs.py) or name the file" >&2
    exit 2
fi
quoted="${database//\'/\'\'}"
exec "$here/.venv/bin/duckdb" -cmd "attach '$quoted' as ledger (read_only); use ledger" "$@"
