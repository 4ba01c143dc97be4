"""The addon installs in a plain Odoo 18 database, with and without demo data,
without a single warning, and packages the Odoo addon way.

These start odoo-bin in subprocesses on throwaway databases, as an
administrator would: nothing of the test database is touched.
"""

import os
import re
import subprocess
import sys
import uuid

import pytest

from tools.odoo_server import REPO_ROOT, odoo_command

LOG_LINE = re.compile(r"^\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) ")


def run_odoo(*args, data_dir):
    return subprocess.run(
        odoo_command(
            "--log-level=warn",
            "--stop-after-init",
            "--no-http",
            *args,
            data_dir=data_dir,
        ),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


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
    state = subprocess.run(
        [
            "psql",
            "-d",
            fresh_database,
            "-XtAc",
            "SELECT state FROM ir_module_module WHERE name = 'support_team_queue'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert state == "installed"
    demo_users = subprocess.run(
        [
            "psql",
            "-d",
            fresh_database,
            "-XtAc",
            "SELECT count(*) FROM res_users WHERE login IN ('supervisor', 'tech_a')",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert demo_users == ("2" if demo else "0")
    # without demo data, a desk out of the box: the team "Support",
    # administered by the installing administrator, with its alias and a
    # portal group "General"; beside the demo's desk, none
    desk = subprocess.run(
        [
            "psql",
            "-d",
            fresh_database,
            "-XtAc",
            "SELECT t.name->>'en_US', u.login, a.alias_name, g.name->>'en_US', "
            "g.portal_visible FROM support_team t "
            "JOIN res_users u ON u.id = t.admin_id "
            "JOIN mail_alias a ON a.id = t.alias_id "
            "JOIN support_group g ON g.team_id = t.id",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert ("Support|admin|support|General|t" in desk.splitlines()) == (not demo)


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
