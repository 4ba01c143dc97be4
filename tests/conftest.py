"""pytest-odoo glue for tests that live outside ``odoo.addons``.

pytest-odoo imports ``odoo.tests`` right after parsing Odoo's configuration,
when ``test_enable`` is still off, and Odoo then logs an error about importing
the test framework outside test mode. Importing it here first, with the flag
on for that moment only, avoids it; the flag must stay off while the registry
loads, or Odoo would run every installed module's at_install tests.
"""

import odoo
from odoo.tools import config

_test_enable = config["test_enable"]
config["test_enable"] = True
import odoo.tests  # noqa: E402,F401

config["test_enable"] = _test_enable
