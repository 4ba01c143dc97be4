"""The access promises hold over XML-RPC, as other programs use the addon."""

from .common import SupportHttpCase


class TestRpcAccess(SupportHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket_a = cls.new_ticket("Via tal Dei tali", group=cls.group_a)
        cls.ticket_b = cls.new_ticket("Stampante non risponde", group=cls.group_b)
        cls.ticket_tech_b = cls.new_ticket("Di Luca", user=cls.tech_b)

    def call(self, user, method, *args, **kwargs):
        password = user.login + "x" * (8 - len(user.login))
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            user.id,
            password,
            "support.ticket",
            method,
            list(args),
            kwargs,
        )

    def ids_seen(self, user):
        return set(self.call(user, "search", [("id", "in", self.all_ids)]))

    @property
    def all_ids(self):
        return (self.ticket_a | self.ticket_b | self.ticket_tech_b).ids

    def test_tech_a_searches_only_gruppo_a(self):
        self.assertEqual(self.ids_seen(self.tech_a), {self.ticket_a.id})

    def test_resp_b_searches_gruppo_b_and_tech_b(self):
        self.assertEqual(
            self.ids_seen(self.resp_b), {self.ticket_b.id, self.ticket_tech_b.id}
        )

    def test_supervisor_searches_everything(self):
        self.assertEqual(self.ids_seen(self.supervisor), set(self.all_ids))

    def test_technician_write_is_refused_and_nothing_changes(self):
        with self.assertRpcRefused() as caught:
            self.call(self.tech_a, "write", [self.ticket_a.id], {"name": "Cambiato"})
        self.assertIn("not allowed to modify", caught.exception.faultString)
        self.ticket_a.invalidate_recordset()
        self.assertEqual(self.ticket_a.name, "Via tal Dei tali")

    def test_resp_a_takes_a_gruppo_a_ticket_over_rpc(self):
        self.call(self.resp_a, "action_take", [self.ticket_a.id])
        self.ticket_a.invalidate_recordset()
        self.assertEqual(self.ticket_a.user_id, self.resp_a)

    def test_resp_a_cannot_take_a_gruppo_b_ticket_over_rpc(self):
        with self.assertRpcRefused():
            self.call(self.resp_a, "action_take", [self.ticket_b.id])
        self.ticket_b.invalidate_recordset()
        self.assertFalse(self.ticket_b.user_id)

    def test_call_center_cannot_delete_over_rpc(self):
        with self.assertRpcRefused():
            self.call(self.callcenter, "unlink", [self.ticket_a.id])
        self.assertTrue(self.ticket_a.exists())

    def test_manager_deletes_own_group_ticket_over_rpc(self):
        self.call(self.resp_a, "unlink", [self.ticket_a.id])
        self.assertFalse(self.ticket_a.exists())
