"""The addon installs in a plain Odoo 18 database, with and without demo data,
without a single warning, updates a database of its previous release, and
packages the Odoo addon way.

These start odoo-bin in subprocesses on throwaway databases, as an
administrator would: nothing of the test database is touched.
"""

import os
import re
import subprocess
import sys
import uuid

import pytest

from tools.odoo_server import ODOO_SRC, REPO_ROOT, odoo_command

MODULE = "support_team_queue"
LOG_LINE = re.compile(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) ")


def run_odoo(*args, data_dir, log_level="warn", **kwargs):
    return subprocess.run(
        odoo_command(
            f"--log-level={log_level}",
            "--stop-after-init",
            "--no-http",
            *args,
            data_dir=data_dir,
            **kwargs,
        ),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def psql(database, query):
    return subprocess.run(
        ["psql", "-d", database, "-XtAc", query],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@pytest.fixture
def fresh_database(tmp_path):
    name = f"stq_install_{uuid.uuid4().hex[:8]}"
    yield name
    subprocess.run(["dropdb", "--if-exists", "--force", name], check=False)


def problems(output):
    return [line for line in output.splitlines() if LOG_LINE.match(line)]


@pytest.mark.parametrize("demo", [True, False], ids=["with-demo", "without-demo"])
def test_installs_without_warnings(fresh_database, tmp_path, demo):
    args = ["-d", fresh_database, "-i", "support_team_queue"]
    if not demo:
        args.append("--without-demo=all")
    result = run_odoo(*args, data_dir=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert problems(output) == [], output
    state = psql(
        fresh_database,
        "SELECT state FROM ir_module_module WHERE name = 'support_team_queue'",
    )
    assert state == "installed"
    demo_users = psql(
        fresh_database,
        "SELECT count(*) FROM res_users WHERE login IN ('supervisor', 'tech_a')",
    )
    assert demo_users == ("2" if demo else "0")
    # without demo data, a desk out of the box: the team "Support",
    # administered by the installing administrator, with its alias and a
    # portal group "General"; beside the demo's desk, none
    desk = psql(
        fresh_database,
        "SELECT t.name->>'en_US', u.login, a.alias_name, g.name->>'en_US', "
        "g.portal_visible FROM support_team t "
        "JOIN res_users u ON u.id = t.admin_id "
        "JOIN mail_alias a ON a.id = t.alias_id "
        "JOIN support_group g ON g.team_id = t.id",
    )
    assert ("Support|admin|support|General|t" in desk.splitlines()) == (not demo)
    # customers are invited, not signed up by whoever types their address
    scope = psql(
        fresh_database,
        "SELECT value FROM ir_config_parameter "
        "WHERE key = 'auth_signup.invitation_scope'",
    )
    assert scope == "b2b"


# 18.0.1.2.0, the release before the ticket kept its holder's role
PREVIOUS_RELEASE = "73acb36"
# its desk: roles Capo > Vice > Tecnico; a user of each, one without a role
PREVIOUS_RELEASE_DESK = """
Role = env["support.role"]
capo = Role.create({"name": "Capo"})
vice = Role.create({"name": "Vice", "parent_id": capo.id})
tecnico = Role.create({"name": "Tecnico", "parent_id": vice.id})
users = env["res.users"]
holders = (("capo", capo), ("vice", vice), ("tecnico", tecnico), ("solo", None))
for login, role in holders:
    users |= users.create({
        "login": f"upd_{login}", "name": login.title(),
        "support_role_id": role.id if role else False,
        "groups_id": [(4, env.ref("support_team_queue.group_support_agent").id)],
    })
team = env["support.team"].create(
    {"name": "Aggiornamento", "operator_ids": [(6, 0, users.ids)]}
)
env["support.ticket"].create(
    [{"name": f"Di {user.login} {n}", "team_id": team.id, "user_id": user.id}
     for user in users for n in range(3)]
    + [{"name": "Di nessuno", "team_id": team.id, "user_id": False}]
)
env.cr.commit()
"""


def test_updates_a_database_of_the_previous_release(fresh_database, tmp_path):
    # the previous release, from the project's own history
    released = tmp_path / "released"
    released.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "archive", PREVIOUS_RELEASE, MODULE],
        capture_output=True,
        check=False,
    )
    if archive.returncode:
        pytest.skip(f"needs the project's git history ({PREVIOUS_RELEASE})")
    subprocess.run(["tar", "-x", "-C", str(released)], input=archive.stdout, check=True)
    released_path = f"{ODOO_SRC / 'addons'},{released}"
    result = run_odoo(
        "-d", fresh_database, "-i", MODULE, "--without-demo=all",
        data_dir=tmp_path, addons_path=released_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    shell = subprocess.run(
        odoo_command(
            "-d", fresh_database, "--no-http", "--log-level=warn",
            data_dir=tmp_path, addons_path=released_path, subcommand="shell",
        ),
        input=PREVIOUS_RELEASE_DESK,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert shell.returncode == 0, shell.stdout + shell.stderr
    assert (
        psql(
            fresh_database,
            "SELECT count(*), count(user_id) FROM support_ticket",
        )
        == "13|12"
    )

    # updated to this version, with Odoo's info lines
    result = run_odoo(
        "-d", fresh_database, "-u", MODULE, data_dir=tmp_path, log_level="info"
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert problems(output) == [], output
    # the holder's role is filled by the pre-migration, not ticket by ticket
    for stage in ("pre", "post"):
        assert re.search(
            rf"{MODULE}: Running migration \[[^\]]*18\.0\.1\.3\.0[^\]]*\] "
            rf"{stage}-migration",
            output,
        ), output
    assert "Prepare computation of support.ticket.user_role_id" not in output
    assert (
        psql(
            fresh_database,
            f"SELECT latest_version FROM ir_module_module WHERE name = '{MODULE}'",
        )
        == "18.0.1.3.0"
    )
    held = psql(
        fresh_database,
        "SELECT count(*) FILTER (WHERE t.user_role_id IS NOT NULL), "
        "count(*) FILTER (WHERE t.user_role_id IS DISTINCT FROM u.support_role_id) "
        "FROM support_ticket t LEFT JOIN res_users u ON u.id = t.user_id",
    )
    # three holders with a role, three tickets each; the roleless holder's
    # and the unheld ticket have none
    assert held == "9|0"
    # Odoo still made the field's foreign key and index
    assert (
        psql(
            fresh_database,
            "SELECT confdeltype FROM pg_constraint "
            "WHERE conname = 'support_ticket_user_role_id_fkey'",
        )
        == "n"
    )  # ON DELETE SET NULL
    assert (
        psql(
            fresh_database,
            "SELECT count(*) FROM pg_indexes "
            "WHERE indexname = 'support_ticket__user_role_id_index'",
        )
        == "1"
    )
    # the superiors' rule reads it
    assert (
        psql(
            fresh_database,
            "SELECT r.domain_force FROM ir_rule r JOIN ir_model_data d "
            "ON d.res_id = r.id AND d.model = 'ir.rule' "
            "WHERE d.module = 'support_team_queue' "
            "AND d.name = 'rule_support_ticket_role_superior'",
        )
        == "[('user_role_id.superior_user_ids', 'in', user.id)]"
    )


def test_wheel_has_the_odoo_addon_layout():
    result = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "check_packaging.py")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "make_tree, message",
    [
        (lambda tmp: tmp / "missing", "does not exist"),
        (lambda tmp: tmp, "is not an Odoo source tree"),
        (
            lambda tmp: _fake_tree(tmp, "(17, 0, 0, 'final', 0, '')"),
            "this project needs Odoo 18.0",
        ),
    ],
    ids=["missing", "not-odoo", "odoo-17"],
)
def test_setup_refuses_a_wrong_odoo_tree(tmp_path, make_tree, message):
    tree = make_tree(tmp_path)
    result = subprocess.run(
        ["bash", str(REPO_ROOT / "tools" / "setup_env.sh")],
        env=dict(os.environ, ODOO_SRC=str(tree)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "504b0670" in result.stderr


def _fake_tree(tmp, version):
    (tmp / "odoo").mkdir()
    (tmp / "odoo-bin").write_text("")
    (tmp / "odoo" / "release.py").write_text(f"version_info = {version}\n")
    return tmp
