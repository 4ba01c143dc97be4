"""Take the README's screenshots from the real web client.

    .venv/bin/python tools/screenshots.py [--database DB] [--out docs/screenshots]

Creates a throwaway database with the addon and its demo data (or uses
``--database``), serves it with odoo-bin, logs in as each demo user in
headless Chromium and saves one PNG per screen. Run it again after changing a
view, and commit the pictures. Needs what ``tools/setup_env.sh`` installs and
Debian's ``chromium``; Odoo runs from ``ODOO_SRC`` (see tools/odoo_server.py).
"""

import argparse
import base64
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
import xmlrpc.client
from pathlib import Path

import websocket  # websocket-client, from requirements/test.txt

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tools.odoo_server import ODOO_SRC, free_port, odoo_command, odoo_server  # noqa: E402

DATA_DIR = REPO_ROOT / ".odoo-data"
MODULE = "support_team_queue"
WINDOW = (1440, 900)

# (file, demo login, where to go, what must be on screen before the shot)
# An action path may end with "/<xmlid>" to open that record's form; a
# target starting with "/" is a page's path (the portal), where "{xmlid}"
# stands for that record's id. A selector starting with "js:" is a script
# that must answer true.
SHOTS = [
    (
        "queue.png",
        "resp_a",
        "action_support_ticket_queue",
        ".o_list_renderer .o_data_row",
    ),
    (
        "ticket_form.png",
        "callcenter",
        "action_support_ticket_queue/ticket_group_a_via_tal_dei_tali",
        ".o_form_view .o_field_widget[name='name'] input",
    ),
    (
        "dashboard.png",
        "teamadmin",
        "action_support_group_dashboard",
        ".o_kanban_record .btn-primary",
    ),
    (
        "workload.png",
        "teamadmin",
        "action_support_ticket_workload",
        ".o_pivot table",
    ),
    (
        "team_admin.png",
        "teamadmin",
        "action_support_my_team/team_assistenza_clienti",
        ".o_form_view .o_field_widget[name='operator_ids']",
    ),
    (
        "history.png",
        "teamadmin",
        "action_support_ticket_history",
        ".o_list_renderer .o_data_row",
    ),
    (
        "role_hierarchy.png",
        "admin",
        "action_support_role?view_type=hierarchy",
        ".o_hierarchy_node",
    ),
    (
        "portal_request.png",
        "customer",
        "/my/tickets/new",
        "input[name='attachments']",
    ),
    (
        "portal_ticket.png",
        "customer",
        "/my/tickets/{ticket_tech_a_firmware}",
        # the portal chatter lives in a shadow root, out of CSS's reach
        "js:document.querySelector('.o_support_solve_form')"
        " && document.querySelector('#chatterRoot')?.shadowRoot"
        "?.querySelector('.o-mail-Composer-input')",
    ),
]

PAGE_RECORD = re.compile(r"\{(\w+)\}")


def wait_for(check, what, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = check()
        except OSError:
            result = None
        if result:
            return result
        time.sleep(0.3)
    sys.exit(f"screenshots: timed out waiting for {what}")


class Chromium:
    """Just enough of the DevTools protocol to log in, browse and shoot."""

    def __init__(self, binary):
        self.profile = tempfile.mkdtemp(prefix="stq-chromium-")
        port = free_port()
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                "--lang=en-US",
                f"--window-size={WINDOW[0]},{WINDOW[1]}",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        pages = wait_for(
            lambda: [
                target
                for target in json.load(
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list")
                )
                if target["type"] == "page"
            ],
            "Chromium's DevTools",
        )
        self.socket = websocket.create_connection(
            pages[0]["webSocketDebuggerUrl"], timeout=60
        )
        self.next_id = 0
        self.send("Page.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=WINDOW[0],
            height=WINDOW[1],
            deviceScaleFactor=1,
            mobile=False,
        )

    def send(self, method, **params):
        self.next_id += 1
        self.socket.send(
            json.dumps({"id": self.next_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True
        )
        return result.get("result", {}).get("value")

    def goto(self, url):
        self.send("Page.navigate", url=url)
        wait_for(
            lambda: self.evaluate("document.readyState") == "complete",
            f"{url} to load",
        )

    def wait_for_selector(self, selector):
        if selector.startswith("js:"):
            check = f"!!({selector.removeprefix('js:')})"
        else:
            check = f"!!document.querySelector({json.dumps(selector)})"
        wait_for(
            lambda: self.evaluate(
                f"{check} && !document.querySelector('.o_loading_indicator')"
            ),
            f"{selector} on screen",
        )

    def log_in(self, base_url, login):
        self.send("Network.clearBrowserCookies")
        self.goto(f"{base_url}/web/login")
        self.evaluate(
            f"""
            document.querySelector('input[name=login]').value = {json.dumps(login)};
            document.querySelector('input[name=password]').value = {json.dumps(login)};
            document.querySelector('form.oe_login_form').submit();
            """
        )
        # the web client for staff, the portal for customers
        wait_for(
            lambda: (
                (self.evaluate("location.pathname") or "").startswith(("/odoo", "/my"))
                and self.evaluate("document.readyState") == "complete"
            ),
            f"{login} to log in",
        )

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=30)
        shutil.rmtree(self.profile, ignore_errors=True)


def record_id(base_url, database, xmlid):
    models = xmlrpc.client.ServerProxy(f"{base_url}/xmlrpc/2/object")
    [data] = models.execute_kw(
        database,
        2,  # the administrator of a fresh database, password "admin"
        "admin",
        "ir.model.data",
        "search_read",
        [[("module", "=", MODULE), ("name", "=", xmlid)]],
        {"fields": ["res_id"]},
    )
    return data["res_id"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", help="an existing database with the demo data to use"
    )
    parser.add_argument("--out", default=str(REPO_ROOT / "docs" / "screenshots"))
    args = parser.parse_args()

    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if not binary:
        sys.exit("screenshots: Chromium not found (apt-get install chromium)")
    if not (ODOO_SRC / "odoo-bin").is_file():
        sys.exit(f"screenshots: no Odoo tree at ODOO_SRC={ODOO_SRC}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    database = args.database or f"stq_screenshots_{uuid.uuid4().hex[:8]}"
    if not args.database:
        print(f"screenshots: installing {MODULE} with demo data into {database}")
        subprocess.run(
            odoo_command(
                "-d",
                database,
                "-i",
                MODULE,
                "--stop-after-init",
                "--no-http",
                "--log-level=warn",
                data_dir=DATA_DIR,
            ),
            check=True,
        )
    # Odoo's partner_autocomplete (installed with auth_signup's base_setup)
    # enriches the company from odoo.com when an administrator logs in: mark
    # it done, the pictures need nothing from outside
    subprocess.run(
        [
            "psql",
            "-d",
            database,
            "-XqAc",
            "DO $$ BEGIN UPDATE res_company SET iap_enrich_auto_done = true; "
            "EXCEPTION WHEN undefined_column THEN NULL; END $$",
        ],
        check=True,
    )
    try:
        with odoo_server(
            database, "--log-level=warn", data_dir=DATA_DIR, timeout=120
        ) as base_url:
            browser = Chromium(binary)
            try:
                for filename, login, target, selector in SHOTS:
                    if target.startswith("/"):
                        path = PAGE_RECORD.sub(
                            lambda match: str(
                                record_id(base_url, database, match.group(1))
                            ),
                            target,
                        )
                    else:
                        action, _sep, xmlid = target.partition("/")
                        path = f"/odoo/action-{MODULE}.{action}"
                        if xmlid:
                            path += f"/{record_id(base_url, database, xmlid)}"
                    browser.log_in(base_url, login)
                    browser.goto(base_url + path)
                    browser.wait_for_selector(selector)
                    time.sleep(1)  # let avatars and fonts settle
                    browser.screenshot(out / filename)
                    print(f"screenshots: {out / filename} ({login})")
            finally:
                browser.close()
    finally:
        if not args.database:
            subprocess.run(["dropdb", "--if-exists", database], check=False)


if __name__ == "__main__":
    main()
