#!/usr/bin/env bash
# Prepare everything the project needs, idempotently:
#   - an Odoo 18.0 source tree at $ODOO_SRC (default /opt/odoo-18.0),
#   - .venv/ (Python 3.10-3.12) with requirements/*.txt and Odoo (editable),
#   - a reachable PostgreSQL with a superuser role for the current user,
#   - chromium, only when NEED_BROWSER=1.
# A second run only checks, so callers (run.sh, test.sh) run it every time.
# Exit codes: 0 ok, 2 something missing that this script cannot provide.
set -euo pipefail

# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

ODOO_HOWTO=(
    "Odoo 18.0 is not on any package registry; this project needs its source tree."
    "Get one by exporting commit 504b0670 (\"init\", the untouched 18.0 tree)"
    "of github:Disassembling-Odoo/core from a clone of it; later commits are not Odoo 18:"
    "  mkdir -p /opt/odoo-18.0"
    "  git --git-dir=<clone>/.git archive 504b0670 | tar -x -C /opt/odoo-18.0"
    "then re-run, or point ODOO_SRC at the tree: ODOO_SRC=/path/to/odoo bash tools/setup_env.sh"
)

# --- 1. Odoo source tree ---------------------------------------------------
step "Checking Odoo source tree ODOO_SRC=$ODOO_SRC"
[ -d "$ODOO_SRC" ] ||
    die 2 "ODOO_SRC=$ODOO_SRC does not exist." "${ODOO_HOWTO[@]}"
[ -f "$ODOO_SRC/odoo/release.py" ] && [ -f "$ODOO_SRC/odoo-bin" ] ||
    die 2 "ODOO_SRC=$ODOO_SRC is not an Odoo source tree (no odoo/release.py or odoo-bin)." \
        "${ODOO_HOWTO[@]}"
# release.py uses names (FINAL) in version_info, so read it textually.
odoo_series="$(sed -nE 's/^version_info *= *\( *([0-9]+) *, *([0-9]+) *,.*/\1.\2/p' \
    "$ODOO_SRC/odoo/release.py" | head -n1)"
[ "$odoo_series" = "18.0" ] ||
    die 2 "ODOO_SRC=$ODOO_SRC is Odoo ${odoo_series:-<unknown version>}, this project needs Odoo 18.0." \
        "${ODOO_HOWTO[@]}"
ODOO_SRC_REAL="$(cd "$ODOO_SRC" && pwd -P)"
info "Odoo $odoo_series at $ODOO_SRC_REAL"

# --- 2. Virtual environment ------------------------------------------------
# check_python EXE: fail unless EXE is Python 3.10-3.12 (Odoo 18's range).
check_python() {
    "$1" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))' \
        2>/dev/null
}

step "Checking virtual environment $VENV"
if [ -x "$PY" ] && "$PY" -c 'pass' 2>/dev/null; then
    check_python "$PY" ||
        die 2 "$VENV uses $("$PY" -V 2>&1); Odoo 18.0 needs Python 3.10, 3.11 or 3.12." \
            "Remove it (rm -rf .venv) and re-run with a suitable python3 on PATH," \
            "or PYTHON=/path/to/python3.11 bash tools/setup_env.sh"
else
    PYTHON="${PYTHON:-python3}"
    command -v "$PYTHON" >/dev/null ||
        die 2 "No '$PYTHON' on PATH; install Python 3.10-3.12 (Debian: apt-get install python3 python3-venv)" \
            "or set PYTHON=/path/to/python3.11."
    check_python "$PYTHON" ||
        die 2 "$PYTHON is $("$PYTHON" -V 2>&1); Odoo 18.0 needs Python 3.10, 3.11 or 3.12." \
            "Set PYTHON=/path/to/python3.11 (or 3.10/3.12) and re-run."
    info "creating .venv with $("$PYTHON" -V 2>&1)"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV" ||
        die 2 "'$PYTHON -m venv' failed (Debian: apt-get install python3-venv)."
fi
info "$("$PY" -V 2>&1)"

# --- 3. Python dependencies ------------------------------------------------
# Re-installing is slow even when nothing changes, so a stamp records what
# the venv was last installed from.
STAMP="$VENV/.stq-requirements.sha256"
req_hash="$({ sha256sum requirements/odoo.txt requirements/test.txt
              echo "ODOO_SRC=$ODOO_SRC_REAL"; } | sha256sum | cut -d' ' -f1)"
step "Python dependencies (requirements/odoo.txt, requirements/test.txt)"
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$req_hash" ]; then
    info "up to date (stamp $STAMP)"
else
    "$PY" -m pip install -r requirements/odoo.txt -r requirements/test.txt >&2 ||
        die 2 "pip install of requirements failed (see pip output above)." \
            "Building some packages from source needs: gcc python3-dev libpq-dev" \
            "libxml2-dev libxslt1-dev libldap2-dev libsasl2-dev (Debian package names)."
    echo "$req_hash" >"$STAMP"
fi

# --- 4. Odoo itself, editable ----------------------------------------------
# Where does the venv import odoo from? (Run from / so the cwd cannot shadow it.)
odoo_location() {
    (cd / && "$PY" -c 'import odoo, os; print(os.path.realpath(odoo.__file__))' 2>/dev/null) || true
}
step "Odoo in the virtual environment"
case "$(odoo_location)" in
    "$ODOO_SRC_REAL"/*) info "odoo imports from $ODOO_SRC_REAL" ;;
    *)
        # compat mode: a plain .pth entry, so addon wheels installed under
        # site-packages/odoo/addons extend odoo.addons instead of shadowing odoo.
        "$PY" -m pip install --no-deps -e "$ODOO_SRC" --config-settings editable_mode=compat >&2 ||
            die 2 "pip install -e $ODOO_SRC failed (see pip output above)."
        case "$(odoo_location)" in
            "$ODOO_SRC_REAL"/*) info "odoo imports from $ODOO_SRC_REAL" ;;
            *) die 2 "After installing, .venv still does not import odoo from $ODOO_SRC_REAL" \
                   "(it imports: $(odoo_location))." ;;
        esac
        ;;
esac

# --- 4b. The benchmark's point of comparison ------------------------------
# OCA helpdesk_mgmt (requirements/bench.txt), for bench/queue_page.py and
# its test. After Odoo: the wheel installs under site-packages/odoo/addons,
# which Odoo's compat editable install extends odoo.addons with. Never a
# dependency of the addon.
BENCH_STAMP="$VENV/.stq-bench.sha256"
bench_hash="$(sha256sum requirements/bench.txt | cut -d' ' -f1)"
step "Benchmark dependency (requirements/bench.txt)"
if [ -f "$BENCH_STAMP" ] && [ "$(cat "$BENCH_STAMP")" = "$bench_hash" ]; then
    info "up to date (stamp $BENCH_STAMP)"
else
    "$PY" -m pip install --no-deps -r requirements/bench.txt >&2 ||
        die 2 "pip install of requirements/bench.txt failed (see pip output above)."
    echo "$bench_hash" >"$BENCH_STAMP"
fi

# --- 5. PostgreSQL ---------------------------------------------------------
step "PostgreSQL"
PG_HOWTO=(
    "Install and start PostgreSQL (Debian, as root):"
    "  apt-get install -y postgresql"
    "  pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start"
    "  su postgres -c \"createuser -s $(id -un)\""
    "or point libpq at a server you can use (PGHOST, PGPORT, PGUSER, PGPASSWORD)."
)

# pg_is_local: libpq talks to this machine (unix socket or loopback).
pg_is_local() {
    case "${PGHOST:-/}" in /*|localhost|127.0.0.1|::1) return 0 ;; *) return 1 ;; esac
}

# apt_install_postgresql: the only way we provide a server ourselves.
apt_install_postgresql() {
    is_root && command -v apt-get >/dev/null || return 1
    info "installing PostgreSQL with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

# local_clusters: "version name port status ..." lines of Debian clusters.
local_clusters() {
    command -v pg_lsclusters >/dev/null && pg_lsclusters -h 2>/dev/null || true
}

# start_local_clusters: start every local Debian cluster that is down.
start_local_clusters() {
    local ver name _port status _rest
    while read -r ver name _port status _rest; do
        [ "$status" = online ] && continue
        info "starting PostgreSQL cluster $ver/$name"
        if is_root; then
            pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start || return 1
        else
            pg_ctlcluster "$ver" "$name" start || return 1
        fi
    done < <(local_clusters)
}

if ! command -v pg_isready >/dev/null || ! command -v psql >/dev/null; then
    apt_install_postgresql ||
        die 2 "PostgreSQL client tools (pg_isready, psql) are missing." \
            "Debian: apt-get install -y postgresql-client (and postgresql for a local server)." \
            "${PG_HOWTO[@]}"
fi

if ! pg_isready -q; then
    # Only a local server is ours to start.
    pg_is_local ||
        die 2 "PostgreSQL at PGHOST=$PGHOST is not accepting connections." "${PG_HOWTO[@]}"
    if [ -z "$(local_clusters)" ]; then
        apt_install_postgresql ||
            die 2 "No PostgreSQL server is reachable and no local cluster exists." "${PG_HOWTO[@]}"
        # The package normally creates "main"; containers sometimes skip it.
        if [ -z "$(local_clusters)" ]; then
            # shellcheck disable=SC2012 # version-named dirs only
            pg_createcluster "$(ls /usr/lib/postgresql | sort -n | tail -n1)" main ||
                die 2 "Could not create a PostgreSQL cluster." "${PG_HOWTO[@]}"
        fi
    fi
    start_local_clusters ||
        die 2 "Could not start the local PostgreSQL cluster(s) (see messages above)." "${PG_HOWTO[@]}"
    for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
    pg_isready -q || die 2 "PostgreSQL was started but is not accepting connections." "${PG_HOWTO[@]}"
fi
info "$(pg_isready)"

# Odoo connects as the current OS user (peer/trust auth); it needs CREATEDB
# at least, superuser keeps test DB creation/dropping simple.
me="$(id -un)"
if ! psql -d postgres -XtAc 'select 1' >/dev/null 2>&1; then
    if is_root && id postgres >/dev/null 2>&1 && pg_is_local; then
        info "creating PostgreSQL superuser role '$me'"
        su postgres -c "createuser -s '$me'" ||
            die 2 "Could not create PostgreSQL role '$me'." "${PG_HOWTO[@]}"
    fi
fi
psql -d postgres -XtAc 'select 1' >/dev/null ||
    die 2 "PostgreSQL is up but 'psql -d postgres' fails as OS user '$me' (see the error above)." \
        "A role for '$me' with CREATEDB is needed, e.g. as root:" \
        "  su postgres -c \"createuser -s $me\""
[ "$(psql -d postgres -XtAc "select rolcreatedb or rolsuper from pg_roles where rolname = current_user")" = t ] ||
    die 2 "PostgreSQL role '$(psql -d postgres -XtAc 'select current_user')' may not create databases." \
        "As a PostgreSQL superuser: ALTER ROLE \"$me\" CREATEDB;"
[ "${PGUSER:-}" != postgres ] ||
    die 2 "PGUSER=postgres: Odoo refuses to use the 'postgres' database user." \
        "Unset PGUSER or use another role."
info "psql -d postgres -c 'select 1': ok (role $me)"

# --- 6. Browser (only for browser-driven tests / tours) --------------------
if [ "${NEED_BROWSER:-0}" = 1 ]; then
    step "Chromium (NEED_BROWSER=1)"
    browser=""
    for b in chromium chromium-browser google-chrome google-chrome-stable; do
        if command -v "$b" >/dev/null; then browser="$b"; break; fi
    done
    BROWSER_HOWTO=(
        "The browser tours (tests/test_tours.py) need Chromium or Google Chrome on PATH"
        "(Odoo looks for google-chrome, chromium, chromium-browser, google-chrome-stable)."
        "Debian, as root: apt-get update && apt-get install -y chromium"
    )
    if [ -z "$browser" ]; then
        if ! is_root || ! command -v apt-get >/dev/null; then
            die 2 "NEED_BROWSER=1 but no chromium/google-chrome on PATH, and this script" \
                "cannot install it (it needs root and apt-get)." "${BROWSER_HOWTO[@]}"
        fi
        info "installing chromium with apt-get"
        # Install first from the current package lists; refresh them only
        # when the package is unknown or the lists are stale.
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || {
            apt-get update -qq ||
                die 2 "apt-get update failed, so chromium could not be installed." \
                    "${BROWSER_HOWTO[@]}"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null ||
                die 2 "apt-get install chromium failed (see apt's output above)." \
                    "${BROWSER_HOWTO[@]}"
        }
        command -v chromium >/dev/null ||
            die 2 "apt-get installed chromium but no 'chromium' is on PATH." "${BROWSER_HOWTO[@]}"
        browser=chromium
    fi
    "$browser" --headless --no-sandbox --version >/dev/null 2>&1 ||
        die 2 "$(command -v "$browser") is on PATH but does not start" \
            "('$browser --version' fails; see its output: $("$browser" --version 2>&1 | head -n1))." \
            "${BROWSER_HOWTO[@]}"
    info "browser: $(command -v "$browser") ($("$browser" --version 2>/dev/null | head -n1))"
    "$PY" -c 'import websocket' 2>/dev/null ||
        die 2 "The browser tours need the websocket-client package in $VENV" \
            "(requirements/test.txt); re-run after: $PY -m pip install -r requirements/test.txt"
fi

step "Environment ready"
