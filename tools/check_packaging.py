#!/usr/bin/env python3
"""Build the addon's wheel and check it has the Odoo addon layout.

The wheel must hold the addon as odoo/addons/support_team_queue/ (code and
every data file of the source tree), and must NOT hold odoo/__init__.py or
odoo/addons/__init__.py, which would shadow the real Odoo once installed.
With an importable Odoo it also installs the wheel into a scratch directory
and checks Python resolves odoo.addons.support_team_queue there.

The build runs on a copy of the packaging files in a temporary directory, so
the repository gets no build/ or *.egg-info litter.

Usage: tools/check_packaging.py [--python PY] [--no-build-isolation]
                                [--keep] [--skip-import-check]
Exit status: 0 ok, 1 layout check failed, 2 could not build.
Tests can call it with subprocess and assert the exit status is 0.
"""

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

ADDON = "support_team_queue"
PREFIX = f"odoo/addons/{ADDON}/"
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGING_FILES = (
    "setup.py",
    "pyproject.toml",
    "setup.cfg",
    "MANIFEST.in",
    "README.md",
)
FORBIDDEN = ("odoo/__init__.py", "odoo/addons/__init__.py")


def fail(msg, code=1):
    print(f"check_packaging: FAIL: {msg}", file=sys.stderr)
    sys.exit(code)


def ignored(name):
    return (
        name == "__pycache__" or name.startswith(".") or name.endswith((".pyc", ".pyo"))
    )


def addon_source_files(addon_dir):
    """Paths (relative, '/'-separated) of every file that must be shipped."""
    out = set()
    for root, dirs, files in os.walk(addon_dir):
        dirs[:] = [d for d in dirs if not ignored(d)]
        for name in files:
            if not ignored(name):
                rel = os.path.relpath(os.path.join(root, name), addon_dir)
                out.add(rel.replace(os.sep, "/"))
    return out


def default_python():
    venv_py = os.path.join(REPO_ROOT, ".venv", "bin", "python")
    return venv_py if os.access(venv_py, os.X_OK) else sys.executable


def build_wheel(python, workdir, isolation):
    src = os.path.join(workdir, "src")
    os.makedirs(src)
    for name in PACKAGING_FILES:
        if os.path.isfile(os.path.join(REPO_ROOT, name)):
            shutil.copy2(os.path.join(REPO_ROOT, name), src)
    shutil.copytree(
        os.path.join(REPO_ROOT, ADDON),
        os.path.join(src, ADDON),
        ignore=lambda _d, names: [n for n in names if ignored(n)],
    )
    out = os.path.join(workdir, "wheels")
    cmd = [python, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, src]
    if not isolation:
        cmd.insert(4, "--no-build-isolation")
    print("check_packaging: $", " ".join(cmd))
    proc = subprocess.run(cmd, cwd=workdir)
    if proc.returncode:
        fail(f"building the wheel failed (exit {proc.returncode})", code=2)
    wheels = [f for f in os.listdir(out) if f.endswith(".whl")]
    if len(wheels) != 1:
        fail(f"expected exactly one wheel in {out}, found {wheels}", code=2)
    return os.path.join(out, wheels[0])


def check_layout(wheel, manifest):
    with zipfile.ZipFile(wheel) as zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
        metadata = next(
            (zf.read(n).decode() for n in names if n.endswith(".dist-info/METADATA")),
            "",
        )
    problems = []
    for bad in FORBIDDEN:
        if bad in names:
            problems.append(f"{bad} is in the wheel (it would shadow Odoo)")
    for required in ("__manifest__.py", "__init__.py"):
        if PREFIX + required not in names:
            problems.append(f"{PREFIX}{required} is missing")
    strays = [
        n
        for n in names
        if not n.startswith(PREFIX) and not n.split("/", 1)[0].endswith(".dist-info")
    ]
    if strays:
        problems.append(f"files outside {PREFIX}: {sorted(strays)}")
    shipped = {n[len(PREFIX) :] for n in names if n.startswith(PREFIX)}
    missing = addon_source_files(os.path.join(REPO_ROOT, ADDON)) - shipped
    if missing:
        problems.append(f"addon files missing from the wheel: {sorted(missing)}")
    version = manifest.get("version", "")
    if f"\nVersion: {version}\n" not in metadata:
        problems.append(f"METADATA does not declare Version: {version}")
    if problems:
        fail("wheel layout is wrong:\n  - " + "\n  - ".join(problems))
    print(f"check_packaging: layout ok ({len(shipped)} files under {PREFIX})")


def check_import(python, wheel, workdir):
    """Install into a scratch target and resolve the addon through odoo.addons."""
    probe = "import odoo"
    if subprocess.run(
        [python, "-c", probe], cwd=workdir, capture_output=True
    ).returncode:
        print(
            "check_packaging: odoo not importable with",
            python,
            "- skipping the import check",
        )
        return
    target = os.path.join(workdir, "target")
    cmd = [python, "-m", "pip", "install", "--no-deps", "-q", "--target", target, wheel]
    if subprocess.run(cmd, cwd=workdir).returncode:
        fail("pip install --target of the wheel failed", code=2)
    code = (
        "import importlib.util, os\n"
        f"spec = importlib.util.find_spec('odoo.addons.{ADDON}')\n"
        "print(os.path.realpath(spec.origin) if spec else '')\n"
        "import odoo\n"
        "print(os.path.realpath(odoo.__file__))\n"
    )
    env = dict(os.environ, PYTHONPATH=target)
    proc = subprocess.run(
        [python, "-c", code], cwd=workdir, env=env, capture_output=True, text=True
    )
    lines = proc.stdout.split("\n")
    if proc.returncode or len(lines) < 2:
        fail(f"import check crashed:\n{proc.stderr}")
    origin, odoo_file = lines[0], lines[1]
    if not origin.startswith(os.path.realpath(target) + os.sep):
        fail(f"odoo.addons.{ADDON} resolves to {origin!r}, not into {target}")
    if odoo_file.startswith(os.path.realpath(target) + os.sep):
        fail(f"the installed wheel shadows odoo itself ({odoo_file})")
    print(
        f"check_packaging: import ok (odoo.addons.{ADDON} -> {origin}; "
        f"odoo -> {odoo_file})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--python",
        default=default_python(),
        help="interpreter whose pip builds the wheel "
        "(default: .venv/bin/python, else this one)",
    )
    parser.add_argument(
        "--no-build-isolation",
        action="store_true",
        help="build with the interpreter's own setuptools/wheel",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the temporary directory and print its path",
    )
    parser.add_argument("--skip-import-check", action="store_true")
    args = parser.parse_args()

    manifest_path = os.path.join(REPO_ROOT, ADDON, "__manifest__.py")
    if not os.path.isfile(manifest_path):
        fail(f"{manifest_path} does not exist", code=2)
    with open(manifest_path, encoding="utf-8") as f:
        manifest = ast.literal_eval(f.read())

    workdir = tempfile.mkdtemp(prefix="stq_packaging_")
    try:
        wheel = build_wheel(args.python, workdir, not args.no_build_isolation)
        print(f"check_packaging: built {os.path.basename(wheel)}")
        check_layout(wheel, manifest)
        if not args.skip_import_check:
            check_import(args.python, wheel, workdir)
    finally:
        if args.keep:
            print(f"check_packaging: kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print("check_packaging: OK")


if __name__ == "__main__":
    main()
