#!/usr/bin/env bash
# Set up everything, then serve Odoo with support_team_queue and its demo data
# on http://127.0.0.1:${PORT:-8069}, database ${DB:-support_demo}.
# The database is created (with demo data) on first run and the addon is
# upgraded on later runs, so code changes are picked up.
# Extra arguments go to the final odoo-bin, e.g. tools/run.sh --dev=all
set -euo pipefail

# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

bash "$REPO_ROOT/tools/setup_env.sh"

DB="${DB:-support_demo}"
PORT="${PORT:-8069}"

# -u on a database where the addon never got installed (e.g. an earlier -i
# that failed half-way) would silently do nothing, so decide on its state.
if db_exists "$DB" && [ "$(addon_state "$DB")" = installed ]; then
    step "Upgrading $ADDON in existing database $DB"
    mode=(-u "$ADDON")
else
    step "Installing $ADDON with demo data into database $DB"
    mode=(-i "$ADDON")
fi
odoo_bin -d "$DB" "${mode[@]}" --stop-after-init ||
    die 1 "odoo-bin ${mode[*]} on database $DB failed (see the log above)."
[ "$(addon_state "$DB")" = installed ] ||
    die 1 "$ADDON is not installed in $DB after odoo-bin ${mode[*]} (state: '$(addon_state "$DB")')." \
        "Is it on the addons path ($ADDONS_PATH)? See the log above."

step "Serving database $DB on http://127.0.0.1:$PORT (Ctrl-C to stop)"
exec "$PY" "$ODOO_SRC/odoo-bin" --addons-path="$ADDONS_PATH" --data-dir="$ODOO_DATA_DIR" \
    -d "$DB" --db-filter="^$DB\$" \
    --http-interface=127.0.0.1 --http-port="$PORT" "$@"
