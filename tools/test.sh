#!/usr/bin/env bash
# Run the whole test suite against a fresh database:
#   1. set up the environment (tools/setup_env.sh, with NEED_BROWSER=1: Chromium
#      for the browser tours),
#   2. create stq_test_<pid> and install support_team_queue with demo data,
#   3. run pytest (pytest-odoo, with Odoo's HTTP server on a random port),
#   4. drop the database again (unless KEEP_DB=1).
# Extra arguments go to pytest, e.g. tools/test.sh -k queue -x
# Exit code: pytest's; "no tests collected" (5) counts as a failure (1).
set -euo pipefail

# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

# The browser tours (tests/test_tours.py) need Chromium: set-up installs or
# finds it, and fails saying so when it cannot.
export NEED_BROWSER=1
bash "$REPO_ROOT/tools/setup_env.sh" ||
    die $? "Step 1/4 failed: environment set-up (tools/setup_env.sh)."

DB="stq_test_$$"
# Tests may need these, e.g. to start odoo-bin themselves or to call
# tools/check_packaging.py.
export STQ_TEST_DB="$DB" ODOO_SRC ODOO_DATA_DIR STQ_REPO_ROOT="$REPO_ROOT"
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/stq_test.XXXXXX")"

# shellcheck disable=SC2329 # called by the EXIT trap
cleanup() {
    local rc=$?
    if [ "${KEEP_DB:-0}" = 1 ]; then
        info "KEEP_DB=1: keeping database $DB and its filestore"
    else
        if db_exists "$DB"; then
            dropdb --force "$DB" || warn "could not drop database $DB"
        fi
        rm -rf "$ODOO_DATA_DIR/filestore/$DB"
    fi
    rm -rf "$LOG_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "Step 2/4: installing $ADDON with demo data into fresh database $DB"
if db_exists "$DB"; then dropdb --force "$DB"; fi
install_log="$LOG_DIR/install.log"
set +e
odoo_bin -d "$DB" -i "$ADDON" --stop-after-init --log-level=warn 2>&1 | tee "$install_log"
install_rc=${PIPESTATUS[0]}
set -e
[ "$install_rc" -eq 0 ] ||
    die 1 "Step 2/4 failed: odoo-bin -i $ADDON exited with $install_rc (log above)."
state="$(addon_state "$DB")"
[ "$state" = installed ] ||
    die 1 "Step 2/4 failed: $ADDON is not installed in $DB (state: '${state:-none}')." \
        "Is it on the addons path ($ADDONS_PATH)? See the log above."
# Odoo logs some install problems (bad data, failed constraints in demo
# data, ...) without failing; treat them as failures too.
if grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$install_log" >"$LOG_DIR/errors"; then
    die 1 "Step 2/4 failed: installing $ADDON logged errors:" \
        "$(cat "$LOG_DIR/errors")"
fi
info "$ADDON installed"

step "Step 3/4: running pytest tests/ against $DB"
set +e
"$PY" -m pytest tests/ \
    --odoo-database="$DB" \
    --odoo-addons-path="$ADDONS_PATH" \
    --odoo-log-level=warn \
    --odoo-extra="data-dir=$ODOO_DATA_DIR" \
    --odoo-http \
    -p no:cacheprovider \
    "$@"
rc=$?
set -e

step "Step 4/4: cleaning up"
case "$rc" in
    0) info "pytest: all tests passed" ;;
    5) warn "pytest collected no tests: counting that as a failure"; rc=1 ;;
    *) warn "Step 3/4 failed: pytest exited with $rc" ;;
esac
exit "$rc"
