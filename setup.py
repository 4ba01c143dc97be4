"""Package the support_team_queue Odoo addon for pip, the Odoo addon way.

``pip install .`` puts the addon under site-packages/odoo/addons/
support_team_queue/, where Odoo finds it as ``odoo.addons.support_team_queue``
(odoo and odoo.addons are namespace-extended by Odoo itself).  The wheel must
therefore never contain odoo/__init__.py or odoo/addons/__init__.py: those
would shadow the real Odoo package.

Odoo itself is not on any package registry, so it is not listed in
install_requires: it comes from the Odoo 18.0 source tree at ODOO_SRC
(see tools/setup_env.sh), installed editable in compat mode.
"""

import ast
import os

from setuptools import find_packages, setup

ADDON = "support_team_queue"
HERE = os.path.dirname(os.path.abspath(__file__))
ADDON_DIR = os.path.join(HERE, ADDON)
PACKAGE = "odoo.addons." + ADDON
ODOO_SERIES = "18.0"

# Files that are code or build litter, not addon data.
SKIP_SUFFIXES = (".py", ".pyc", ".pyo")
SKIP_DIRS = {"__pycache__", ".git"}


def read_manifest():
    with open(os.path.join(ADDON_DIR, "__manifest__.py"), encoding="utf-8") as f:
        return ast.literal_eval(f.read())


def addon_version(manifest):
    """Odoo addon versions are <series>.x.y.z; a bare x.y.z gets the series."""
    version = manifest.get("version", "1.0.0")
    if not version.startswith(ODOO_SERIES + "."):
        if version.count(".") != 2:
            raise SystemExit(
                f"{ADDON}/__manifest__.py: version {version!r} is neither "
                f"{ODOO_SERIES}.x.y.z nor x.y.z"
            )
        version = f"{ODOO_SERIES}.{version}"
    return version


def data_files_of_addon():
    """Every non-Python file of the addon (xml, csv, po, static/**, ...)
    and its migration scripts, relative to the addon directory, for
    package_data."""
    found = []
    for root, dirs, files in os.walk(ADDON_DIR):
        dirs[:] = sorted(
            d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")
        )
        for name in sorted(files):
            path = os.path.relpath(os.path.join(root, name), ADDON_DIR)
            # Odoo runs migration scripts by their path: they are data here,
            # in folders named after versions that are no Python packages
            script = path.split(os.sep)[0] == "migrations" and name.endswith(".py")
            if name.startswith(".") or (name.endswith(SKIP_SUFFIXES) and not script):
                continue
            found.append(path.replace(os.sep, "/"))
    return found


def long_description():
    candidates = [os.path.join(ADDON_DIR, n) for n in ("README.rst", "README.md")]
    candidates.append(os.path.join(HERE, "README.md"))
    for path in candidates:
        name = os.path.basename(path)
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                ctype = "text/x-rst" if name.endswith(".rst") else "text/markdown"
                return f.read(), ctype
    return "", "text/plain"


manifest = read_manifest()
subpackages = find_packages(where=ADDON_DIR)
description, description_type = long_description()

setup(
    # OCA naming convention for pip-packaged addons.
    name="odoo-addon-" + ADDON,
    version=addon_version(manifest),
    description=manifest.get("summary") or manifest["name"],
    long_description=description,
    long_description_content_type=description_type,
    author=manifest.get("author"),
    url=manifest.get("website"),
    license=manifest.get("license"),
    python_requires=">=3.10",
    # Only the addon and its subpackages: never "odoo" or "odoo.addons".
    packages=[PACKAGE] + [f"{PACKAGE}.{p}" for p in subpackages],
    package_dir={PACKAGE: ADDON}
    | {f"{PACKAGE}.{p}": f"{ADDON}/{p.replace('.', '/')}" for p in subpackages},
    package_data={PACKAGE: data_files_of_addon()},
    include_package_data=False,
    # Empty on purpose: Odoo 18.0 comes from ODOO_SRC, not from a registry.
    install_requires=[],
    zip_safe=False,
    classifiers=[
        "Programming Language :: Python :: 3",
        "Framework :: Odoo",
        f"Framework :: Odoo :: {ODOO_SERIES}",
    ],
)
