/** @odoo-module **/
/**
 * "Preview Access Change" on the forms whose fields the ticket rules read
 * (groups, roles, sharing rules, teams, users): sends the form's pending
 * changes, not saved, to the server, which opens support.access.impact.
 * Applying the change there writes it; the form then shows the saved record.
 */

import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";

export class SupportAccessImpactButton extends Component {
    static template = "support_team_queue.AccessImpactButton";
    static props = { ...standardWidgetProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
    }

    async preview() {
        const record = this.props.record;
        // commits the value being typed, as a save would
        await record.isDirty();
        const values = record._getChanges();
        const action = await this.orm.call(
            record.resModel,
            "action_support_access_impact",
            [record.resId ? [record.resId] : []],
            { values },
        );
        await this.action.doAction(action, {
            onClose: async (info) => {
                if (!info || !info.support_access_applied) {
                    return;
                }
                // the change is written: drop the form's copy of it, show
                // the record as saved
                await record.discard();
                await record.model.load({ resId: info.res_id });
            },
        });
    }
}

registry.category("view_widgets").add("support_access_impact", {
    component: SupportAccessImpactButton,
});
