"""tools/screenshots.py points at screens that exist, as users who exist:
a renamed action or demo login would otherwise break it unnoticed (running
it takes a server and a browser; the tours cover the browser part)."""

import importlib.util
import os
from pathlib import Path

from odoo.tests import loaded_demo_data

from .common import MODULE, SupportCase

SCRIPT = Path(__file__).resolve().parent.parent / "tools" / "screenshots.py"


def load_script():
    spec = importlib.util.spec_from_file_location("stq_screenshots", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestScreenshotsScript(SupportCase):
    def test_every_shot_opens_an_action_and_a_record_that_exist(self):
        if not loaded_demo_data(self.env):
            # tools/test.sh always installs the demo: there, never a skip
            if os.environ.get("STQ_TEST_DB") == self.env.cr.dbname:
                self.fail(f"no demo data in {self.env.cr.dbname}")
            self.skipTest("demo data not installed")
        script = load_script()
        for filename, login, target, _selector in script.SHOTS:
            with self.subTest(shot=filename):
                if target.startswith("/"):
                    self.check_page(script, login, target)
                    continue
                path, _sep, view_type = target.partition("?view_type=")
                action_name, _sep, xmlid = path.partition("/")
                action = self.env.ref(f"{MODULE}.{action_name}")
                user = self.env["res.users"].search([("login", "=", login)])
                self.assertTrue(user, f"no demo user {login}")
                # the user reaches the action from a menu they see
                menus = (
                    self.env["ir.ui.menu"]
                    .with_user(user)
                    .search([("action", "=", f"{action._name},{action.id}")])
                )
                self.assertTrue(menus, f"{login} has no menu to {action_name}")
                if view_type:
                    self.assertIn(view_type, action.view_mode.split(","))
                if xmlid:
                    self.assertReadableBy(user, xmlid)

    def check_page(self, script, login, target):
        """A portal page: its route exists, its records are the user's."""
        user = self.env["res.users"].search([("login", "=", login)])
        self.assertTrue(user, f"no demo user {login}")
        xmlids = script.PAGE_RECORD.findall(target)
        pattern = script.PAGE_RECORD.sub("<int:ticket_id>", target)
        pattern = pattern if xmlids else target
        rules = {rule.rule for rule in self.env["ir.http"].routing_map().iter_rules()}
        self.assertIn(pattern, rules)
        for xmlid in xmlids:
            self.assertReadableBy(user, xmlid)

    def assertReadableBy(self, user, xmlid):
        """The demo record ``xmlid`` is one ``user`` may read."""
        record = self.env.ref(f"{MODULE}.{xmlid}")
        self.assertTrue(
            self.env[record._name].with_user(user).browse(record.id).has_access("read")
        )
