"""update_acct_plan_unit_instance_m and get_acct_plan_unit_instance_all_m: plan unit instances
and the fulfillment of their services (harness.stub.unit_instances).

update_acct_plan_unit_instance_m applies each ``plan_unit_instance_services`` item's
fulfillment_directive to a fulfillment-based service of the unit's plan, renames the unit
(``new_client_plan_unit_inst_id``) and bills what the fulfillments charge now on one invoice,
collected when it charges. ``do_write=false`` answers the would-be invoice and writes nothing.
``plan_unit_inst_fields`` are accepted and not kept (the stub stores no client-defined fields).

Choices where the docs are silent: a unit instance or service the account does not have
answers 1016 naming what was expected (Aria's guide lists 27003/27004 for unknown unit
instances; our sources give them no entry); each service takes one item per call.
"""

from __future__ import annotations

from typing import Any

from harness.stub.accounts import find_account, find_instance
from harness.stub.context import CallContext
from harness.stub.exceptions import InvalidInput
from harness.stub.methods.plans import line_records, total_fields
from harness.stub.plan_changes import bill_lines
from harness.stub.render import render_record
from harness.stub.unit_instances import (
    find_unit,
    fulfillment_status,
    plan_units_of,
    rename_unit,
    service_of,
    set_fulfillment,
)

__all__ = ["get_acct_plan_unit_instance_all_m", "update_acct_plan_unit_instance_m"]


def update_acct_plan_unit_instance_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """Fulfil, schedule or remove the fulfillment of a unit's services; rename the unit."""
    dry_run = params.get("do_write") == "false"
    tenant = ctx.tenant
    store = ctx.store
    with store.read() if dry_run else store.transaction() as db:
        account = find_account(db, tenant, params)
        unit = find_unit(db, tenant, account, params)
        lines: list[dict[str, Any]] = []
        commits = []
        seen: set[int] = set()
        for index, item in enumerate(params.get("plan_unit_instance_services") or ()):
            where = f"plan_unit_instance_services[{index}]"
            service = service_of(tenant, unit, item, where)
            if service.service_no in seen:
                raise InvalidInput(f"{where}: service {service.service_no} is already updated")
            seen.add(service.service_no)
            change = set_fulfillment(db, ctx, unit, service, item, where)
            lines += change.lines
            commits.append(change.commit)
        new_id = params.get("new_client_plan_unit_inst_id")
        if new_id is not None:
            unit = rename_unit(db, tenant, account, unit, new_id, write=not dry_run)
        group = unit.mpi.billing_group_no
        billed = bill_lines(db, ctx, account, group, lines, params, dry_run=dry_run)
        if not dry_run:
            for commit in commits:
                commit()
    sums = billed.sums
    answer: dict[str, Any] = {
        "out_acct_no": account.acct_no,
        "out_client_acct_id": account.client_acct_id,
        "out_plan_unit_inst_no": unit.plan_unit_inst_no,
        "out_client_plan_unit_inst_id": unit.client_id,
        "proration_result_amount": float(sums.before_tax),
        "invoice_no": billed.invoice_no,
        "invoice_line_items": line_records("A7.InvoiceLineItem", billed.draft.lines),
        **total_fields(sums),
    }
    answer.update(billed.outcome or {})
    return answer


def get_acct_plan_unit_instance_all_m(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """The unit instances of the account's plan instances, with their fulfillment-based services."""
    tenant = ctx.tenant
    with ctx.store.read() as db:
        account = find_account(db, tenant, params)
        mpis = account.mpis
        named = ("plan_instance_no", "client_plan_instance_id")
        if any(params.get(name) is not None for name in named):
            mpis = (find_instance(account, params, "plan_instance_no", "client_plan_instance_id"),)
        instances = []
        for mpi in mpis:
            plan = tenant.plans[mpi.plan_no]
            units = []
            for unit in plan_units_of(db, tenant, mpi):
                if params.get("plan_unit_inst_no") not in (None, unit.plan_unit_inst_no):
                    continue
                if params.get("client_plan_unit_inst_id") not in (None, unit.client_id):
                    continue
                details = []
                for service in plan.services:
                    if not service.fulfillment_based:
                        continue
                    status, day = fulfillment_status(db, ctx, unit, service)
                    details.append(
                        render_record(
                            "A7.PlanUnitInstServiceDetail",
                            {
                                "service_no": service.service_no,
                                "client_service_id": service.client_service_id,
                                "service_name": service.name,
                                "fulfillment_status": status,
                                "fulfillment_date": day,
                            },
                        )
                    )
                units.append(
                    render_record(
                        "A7.PlanUnitInstList",
                        {
                            "plan_unit_inst_no": unit.plan_unit_inst_no,
                            "client_plan_unit_inst_id": unit.client_id,
                            "plan_unit_inst_status": "Active",
                            "plan_unit_inst_service_details": details,
                        },
                    )
                )
            instances.append(
                render_record(
                    "A7.AllPlanInstance",
                    {
                        "plan_instance_no": mpi.mpi_no,
                        "client_plan_instance_id": mpi.client_mpi_id,
                        "plan_name": plan.name,
                        "plan_type": "Master",
                        "plan_unit_inst_list": units,
                    },
                )
            )
    return {"client_acct_id": account.client_acct_id, "all_plan_instances": instances}
