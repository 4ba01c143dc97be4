"""Run ``odoo-bin`` from the Odoo source tree with the project's addons:
once (install, upgrade) or as a local HTTP server for a ``with`` block.

Shared by the tests, the benchmarks and tools/screenshots.py. The tree is
``ODOO_SRC`` when set, otherwise the tree of the ``odoo`` this Python imports
(tools/setup_env.sh installs it from ``ODOO_SRC``, /opt/odoo-18.0 by default).
"""

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _default_odoo_src():
    spec = importlib.util.find_spec("odoo")
    if spec and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations))).resolve().parent
    return Path("/opt/odoo-18.0")


ODOO_SRC = Path(os.environ.get("ODOO_SRC") or _default_odoo_src())
ADDONS_PATH = f"{ODOO_SRC / 'addons'},{REPO_ROOT}"


def odoo_command(*args, data_dir=None, addons_path=ADDONS_PATH, subcommand=None):
    """The command line of ``odoo-bin`` (or of its ``subcommand``, such as
    ``shell``) with the project's addons path (or ``addons_path``)."""
    command = [
        sys.executable,
        str(ODOO_SRC / "odoo-bin"),
        *([subcommand] if subcommand else []),
        f"--addons-path={addons_path}",
    ]
    if data_dir:
        command.append(f"--data-dir={data_dir}")
    return command + [str(arg) for arg in args]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def odoo_server(database, *args, data_dir=None, timeout=60, **popen_kwargs):
    """Serve ``database`` (and only it) on a free local port, without
    scheduled actions, so that nothing runs that would reach outside; yield
    its base URL once it answers, stop it on leaving."""
    port = free_port()
    process = subprocess.Popen(
        odoo_command(
            "-d",
            database,
            f"--db-filter=^{database}$",
            "--max-cron-threads=0",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            f"--gevent-port={free_port()}",
            *args,
            data_dir=data_dir,
        ),
        **popen_kwargs,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, timeout)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(url, process, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"odoo-bin exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/web/login", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"odoo-bin did not answer within {timeout} s")
