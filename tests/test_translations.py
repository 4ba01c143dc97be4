"""The addon speaks the languages of its source documents: Italian, Spanish
and Brazilian Portuguese, with the seeds' own words (Assistenza Clienti,
Gruppo, Coda di Assistenza, Cola de Asistencia, Caixa de entrada...).

Each language is activated and the addon's .po files loaded inside the test
transaction (without a single warning); then the menus, the queue's action,
the field labels, the selection values and a message raised from Python code
must read in that language. The .po files themselves must translate every
term of the template, and only those.
"""

from pathlib import Path

import polib

from odoo.exceptions import UserError
from odoo.tools.translate import code_translations

from .common import MODULE, SupportCase, ref

I18N_DIR = Path(__file__).resolve().parent.parent / MODULE / "i18n"
POT = I18N_DIR / f"{MODULE}.pot"
PO_FILES = {"it_IT": "it.po", "es_ES": "es.po", "pt_BR": "pt_BR.po"}

# What a user of each language must read; "Support"/"Queue" etc. in English.
EXPECTED = {
    "it_IT": {
        "menu_support_root": "Assistenza Clienti",
        "menu_support_queue": "Coda di Assistenza",
        "menu_support_dashboard": "Cruscotto",
        "menu_support_dashboard_groups": "Code per gruppo",
        "menu_support_dashboard_workload": "Carico di lavoro",
        "action_support_ticket_queue": "Coda di Assistenza",
        "fields": {
            "state": "Stato",
            "group_id": "Gruppo",
            "user_id": "Operatore",
            "priority": "Priorità",
        },
        "states": {"new": "Nuovo", "closed": "Chiuso", "expired": "Scaduto"},
        "model": "Ticket di assistenza",
        "closed_error": "è chiuso o scaduto: riaprilo prima",
    },
    "es_ES": {
        "menu_support_root": "Soporte",
        "menu_support_queue": "Cola de Asistencia",
        "menu_support_dashboard": "Panel de control",
        "menu_support_dashboard_groups": "Colas por grupo",
        "menu_support_dashboard_workload": "Carga de trabajo",
        "action_support_ticket_queue": "Cola de Asistencia",
        "fields": {
            "state": "Estado",
            "group_id": "Grupo",
            "user_id": "Operador",
            "priority": "Prioridad",
        },
        "states": {"new": "Nuevo", "closed": "Cerrado", "expired": "Vencido"},
        "model": "Ticket de soporte",
        "closed_error": "está cerrado o vencido: primero reábralo",
    },
    "pt_BR": {
        "menu_support_root": "Suporte",
        "menu_support_queue": "Caixa de entrada",
        "menu_support_dashboard": "Painel",
        "menu_support_dashboard_groups": "Filas por departamento",
        "menu_support_dashboard_workload": "Carga de trabalho",
        "action_support_ticket_queue": "Caixa de entrada",
        "fields": {
            "state": "Estado",
            "group_id": "Departamento",
            "user_id": "Operador",
            "priority": "Prioridade",
        },
        "states": {"new": "Novo", "closed": "Fechado", "expired": "Expirado"},
        "model": "Ticket de suporte",
        "closed_error": "está fechado ou expirado: reabra-o primeiro",
    },
}


class TestTranslations(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls.new_ticket("Stampante guasta", group=cls.group_a)

    def load_language(self, code):
        """Activate ``code`` and load this addon's .po files for it."""
        lang = self.env["res.lang"]._activate_lang(code)
        self.assertTrue(lang.active, f"language {code} cannot be activated")
        with self.assertNoLogs("odoo", level="WARNING"):
            self.env["ir.module.module"]._load_module_terms(
                [MODULE], [code], overwrite=True
            )
        self.env.invalidate_all()
        return self.env(context=dict(self.env.context, lang=code))

    def _check_language(self, code):
        expected = EXPECTED[code]
        env = self.load_language(code)

        for xmlid in ("menu_support_root", "menu_support_queue"):
            english = ref(self.env, xmlid).with_context(lang="en_US").name
            translated = ref(env, xmlid).name
            self.assertNotEqual(translated, english, f"{code}: menu {xmlid}")
            self.assertEqual(translated, expected[xmlid], f"{code}: menu {xmlid}")
        for xmlid in (
            "menu_support_dashboard",
            "menu_support_dashboard_groups",
            "menu_support_dashboard_workload",
        ):
            self.assertEqual(ref(env, xmlid).name, expected[xmlid], f"{code}: {xmlid}")
        # the dashboard card's own words
        group_fields = env["support.group"].fields_get(["dashboard_queued_count"])
        self.assertNotEqual(
            group_fields["dashboard_queued_count"]["string"], "Waiting for an Operator"
        )
        # the menus as the web client loads them
        menus = env["ir.ui.menu"].load_menus(debug=False)
        root = ref(env, "menu_support_root")
        self.assertEqual(menus[root.id]["name"], expected["menu_support_root"])
        self.assertEqual(
            ref(env, "action_support_ticket_queue").name,
            expected["action_support_ticket_queue"],
        )

        Fields = env["ir.model.fields"]
        for name, label in expected["fields"].items():
            field = Fields._get("support.ticket", name)
            english = field.with_context(lang="en_US").field_description
            self.assertNotEqual(field.field_description, english, f"{code}: {name}")
            self.assertEqual(field.field_description, label, f"{code}: {name}")
        # fields_get, as the views read them
        described = env["support.ticket"].fields_get(
            ["group_id", "state"], ["string", "selection"]
        )
        self.assertEqual(
            described["group_id"]["string"], expected["fields"]["group_id"]
        )
        selection = dict(described["state"]["selection"])

        state = Fields._get("support.ticket", "state")
        for value, label in expected["states"].items():
            option = state.selection_ids.filtered(lambda s, v=value: s.value == v)
            self.assertNotEqual(
                option.with_context(lang="en_US").name, option.name, f"{code}: {value}"
            )
            self.assertEqual(option.name, label, f"{code}: state {value}")
            self.assertEqual(selection[value], label, f"{code}: state {value}")

        self.assertEqual(env["ir.model"]._get("support.ticket").name, expected["model"])

        # a sharing rule written by an English-speaking administrator reads
        # in the reader's language: its name is computed when displayed
        rule = (
            self.env["support.sharing.rule"]
            .with_context(lang="en_US")
            .create(
                {
                    "team_id": self.team.id,
                    "source_group_id": self.group_cc.id,
                    "target_user_id": self.loner.id,
                }
            )
        )
        english = rule.display_name
        self.assertIn("Tickets of group", english)
        translated = rule.with_env(env).display_name
        self.assertNotEqual(translated, english, f"{code}: sharing rule name")
        self.assertIn(self.group_cc.name, translated)
        self.assertIn(self.loner.name, translated)

        # a message raised from Python code, in the user's language
        self.assertTrue(code_translations.get_python_translations(MODULE, code))
        ticket = self.ticket.with_env(env)
        ticket.action_close()
        with self.assertRaises(UserError) as caught:
            ticket.action_take()
        self.assertIn(expected["closed_error"], str(caught.exception))
        self.assertIn(ticket.number, str(caught.exception))

    def test_italian(self):
        self._check_language("it_IT")

    def test_spanish(self):
        self._check_language("es_ES")

    def test_brazilian_portuguese(self):
        self._check_language("pt_BR")

    def test_po_files_are_complete(self):
        """Every .po file translates every term of the template, keeps its
        placeholders, and has no term the template does not have."""
        self.assertTrue(POT.is_file(), f"{POT} is missing")
        pot = polib.pofile(str(POT))
        template = {(e.msgctxt, e.msgid) for e in pot if not e.obsolete}
        self.assertGreater(len(template), 100)
        for code, filename in PO_FILES.items():
            with self.subTest(language=code):
                po = polib.pofile(str(I18N_DIR / filename))
                self.assertTrue(po.metadata.get("Language"), filename)
                self.assertIn("charset=UTF-8", po.metadata["Content-Type"])
                self.assertTrue(po.metadata.get("Plural-Forms"), filename)
                entries = [e for e in po if not e.obsolete]
                self.assertEqual(
                    {(e.msgctxt, e.msgid) for e in entries},
                    template,
                    f"{filename} and the .pot disagree: "
                    "run tools/update_translations.sh",
                )
                untranslated = [
                    e.msgid for e in entries if not e.msgstr.strip() or e.fuzzy
                ]
                self.assertFalse(untranslated, f"{filename}: untranslated terms")
                for entry in entries:
                    for placeholder in ("%s", "%(", "{{", "t-out=", "t-if="):
                        self.assertEqual(
                            entry.msgid.count(placeholder),
                            entry.msgstr.count(placeholder),
                            f"{filename}: {placeholder!r} in {entry.msgid[:60]!r}",
                        )
