# Shared settings and helpers for tools/*.sh. Sourced, never executed.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"
PY="$VENV/bin/python"

# The one documented default for the Odoo 18.0 source tree.
ODOO_SRC="${ODOO_SRC:-/opt/odoo-18.0}"
# Filestore and sessions stay inside the (git-ignored) repo, not in ~/.local.
ODOO_DATA_DIR="${ODOO_DATA_DIR:-$REPO_ROOT/.odoo-data}"
export ODOO_SRC ODOO_DATA_DIR

ADDON=support_team_queue
ADDONS_PATH="$ODOO_SRC/addons,$REPO_ROOT"

# "$0" is the calling script, so messages say which tool is talking.
_TOOL="$(basename "$0")"

step() { printf '\n==> [%s] %s\n' "$_TOOL" "$*" >&2; }
info() { printf '    %s\n' "$*" >&2; }
warn() { printf 'WARNING [%s]: %s\n' "$_TOOL" "$*" >&2; }
# die CODE MESSAGE...: print an error block and exit with CODE.
die() {
    local code="$1"; shift
    printf '\nERROR [%s]: %s\n' "$_TOOL" "$1" >&2
    shift
    local line
    for line in "$@"; do printf '    %s\n' "$line" >&2; done
    exit "$code"
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# db_exists NAME: true if the PostgreSQL database exists.
db_exists() {
    [ "$(psql -d postgres -XtAc "select 1 from pg_database where datname = '$1'")" = 1 ]
}

# addon_state DB: state of our addon in DB ("installed", "to install", ...),
# empty if DB is not an Odoo database or does not know the addon.
addon_state() {
    psql -d "$1" -XtAc \
        "select state from ir_module_module where name = '$ADDON'" 2>/dev/null || true
}

# odoo_bin ARGS...: run Odoo from ODOO_SRC with the project's venv and paths.
odoo_bin() {
    "$PY" "$ODOO_SRC/odoo-bin" --addons-path="$ADDONS_PATH" \
        --data-dir="$ODOO_DATA_DIR" "$@"
}
