"""The project's scripts; ``odoo_server`` is shared by the tests, the
benchmarks and the screenshots."""
