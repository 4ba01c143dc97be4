#!/usr/bin/env bash
# Refresh the addon's translation files:
#   1. export support_team_queue/i18n/support_team_queue.pot with Odoo
#      (from a scratch database with the addon installed, no demo data),
#   2. merge every support_team_queue/i18n/*.po with the new template
#      (polib, like msgmerge: translations kept, new terms added empty,
#      terms gone from the code dropped),
#   3. list what is left to translate.
# DB=name reuses an existing database where the addon is installed and up to
# date (e.g. after `odoo-bin -u support_team_queue`) instead of a scratch one.
# Exit code: 0 when every .po file is complete, 1 when some term is
# untranslated (tests/test_translations.py fails in that case too).
set -euo pipefail

# shellcheck source=tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

[ -x "$PY" ] || die 2 "No virtualenv at $VENV: run tools/setup_env.sh first."
"$PY" -c "import polib" 2>/dev/null ||
    die 2 "polib is missing from $VENV: run tools/setup_env.sh first."

I18N_DIR="$REPO_ROOT/$ADDON/i18n"
POT="$I18N_DIR/$ADDON.pot"
mkdir -p "$I18N_DIR"

if [ -n "${DB:-}" ]; then
    [ "$(addon_state "$DB")" = installed ] ||
        die 2 "$ADDON is not installed in database $DB."
else
    DB="stq_i18n_$$"
    # shellcheck disable=SC2329 # called by the EXIT trap
    cleanup() {
        local rc=$?
        if db_exists "$DB"; then
            dropdb --force "$DB" || warn "could not drop database $DB"
        fi
        rm -rf "$ODOO_DATA_DIR/filestore/$DB"
        exit "$rc"
    }
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    step "Installing $ADDON (no demo data) into scratch database $DB"
    createdb "$DB"
    odoo_bin -d "$DB" -i "$ADDON" --without-demo=all --stop-after-init \
        --log-level=warn
fi

step "Exporting $POT"
tmp_pot="$(mktemp "${TMPDIR:-/tmp}/$ADDON.XXXXXX.pot")"
odoo_bin -d "$DB" --i18n-export="$tmp_pot" --modules="$ADDON" \
    --stop-after-init --log-level=warn
[ -s "$tmp_pot" ] || die 1 "The export produced no template ($tmp_pot)."
mv "$tmp_pot" "$POT"
chmod 644 "$POT"  # mktemp made it private

step "Merging the .po files with the template"
"$PY" - "$POT" "$I18N_DIR" <<'EOF'
import pathlib
import sys

import polib

pot_path, i18n_dir = sys.argv[1], pathlib.Path(sys.argv[2])
pot = polib.pofile(pot_path)
incomplete = False
for po_path in sorted(i18n_dir.glob("*.po")):
    po = polib.pofile(str(po_path), wrapwidth=pot.wrapwidth)
    po.merge(pot)
    # Terms no longer in the code: drop them (git keeps the history).
    for entry in po.obsolete_entries():
        po.remove(entry)
    for key in ("POT-Creation-Date", "Project-Id-Version"):
        if key in pot.metadata:
            po.metadata[key] = pot.metadata[key]
    po.save()
    missing = [e for e in po if not e.obsolete and (not e.msgstr or e.fuzzy)]
    print(f"    {po_path.name}: {len(po)} terms, {len(missing)} to translate")
    for entry in missing:
        print(f"        {entry.msgid[:76]!r}")
    incomplete = incomplete or bool(missing)
sys.exit(1 if incomplete else 0)
EOF
