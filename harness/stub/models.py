"""The stub's domain: what a fixture defines (tenants, accounts, plans, catalogue), no HTTP.

These objects are immutable and built once per fixture load; everything a call changes
(invoices, orders, payments, clocks, billing dates) lives in the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = [
    "Account",
    "BillingGroup",
    "ClientParameters",
    "Coupon",
    "InventoryItem",
    "MasterPlanInstance",
    "PaymentMethod",
    "Plan",
    "RateSchedule",
    "Service",
    "Tenant",
    "World",
]


@dataclass(frozen=True)
class ClientParameters:
    """Instance-wide settings that change behaviour; defaults are Aria's."""

    # AUTO BILL ORDERS: Aria's documented default is True (create_order_m.txt, bill_immediately)
    auto_bill_orders: bool = True
    # autocollect on rebill: the docs give no default; off, so a rebill never charges by surprise
    autocollect_on_rebill: bool = False
    # pending invoices: off by default, invoices post immediately
    pending_invoices: bool = False
    # collect when a pending invoice is approved (overridden per call by alt_collect_on_approve)
    collect_on_approve: bool = True
    # combine_invoices=3 defers to this: 1 long cycle, 2 short cycle
    combine_invoices_default: int = 1
    tax_rounding: str = "Per invoice"
    tax_rate: Decimal = Decimal("0")
    tax_name: str = "Sales tax"
    # the test gateway declines this card number; every other valid number is approved
    decline_card_number: str = "4000000000000002"
    # A stub setting, not an Aria parameter: how long an invoice's generation keeps its billing
    # group "in progress" (seconds on the client's virtual clock, from the call's start). Calls
    # on the group meanwhile answer 3108; advancing the clock or waiting ends it. 0: only while
    # the call itself runs.
    invoice_in_progress_seconds: int = 0


@dataclass(frozen=True)
class Service:
    """A chargeable service of a plan; line_type is Aria's invoice line type (1..9)."""

    service_no: int
    client_service_id: str
    name: str
    rate: Decimal
    units: Decimal = Decimal("1")
    line_type: int = 1
    taxable: bool = True
    # a recurring service billed per plan unit instance only once that unit's service is
    # fulfilled (update_acct_plan_unit_instance_m; harness/stub/unit_instances.py)
    fulfillment_based: bool = False


@dataclass(frozen=True)
class Plan:
    plan_no: int
    client_plan_id: str
    name: str
    billing_interval_months: int
    services: tuple[Service, ...]
    # cancel_acct_plan_m charges this fee when an instance is cancelled before it has been
    # assigned for early_cancel_min_months (get_acct_plans_all_m's early_cancel_fee and
    # early_cancel_min_months); 0: no fee
    early_cancel_fee: Decimal = Decimal("0")
    early_cancel_min_months: int = 0

    @property
    def has_fulfillment(self) -> bool:
        """Whether a service of the plan waits for fulfillment before it is billed."""
        return any(service.fulfillment_based for service in self.services)


@dataclass(frozen=True)
class RateSchedule:
    rate_schedule_no: int
    client_rate_schedule_id: str
    name: str
    currency_cd: str
    rate: Decimal
    default: bool = False


@dataclass(frozen=True)
class InventoryItem:
    """A catalogue item orderable with create_order_m, found by client_sku."""

    item_no: int
    client_sku: str
    name: str
    service_no: int
    client_service_id: str
    schedules: tuple[RateSchedule, ...]
    taxable: bool = True


@dataclass(frozen=True)
class Coupon:
    coupon_cd: str
    amount: Decimal


@dataclass(frozen=True)
class PaymentMethod:
    """A payment method on file; only the last four digits of a card are kept."""

    seq: int
    kind: str
    last_four: str
    approves: bool


@dataclass(frozen=True)
class BillingGroup:
    billing_group_no: int
    client_billing_group_id: str
    name: str
    payment_method_seq: int | None


@dataclass(frozen=True)
class MasterPlanInstance:
    """A master plan instance; its next billing date is state, seeded from these values."""

    mpi_no: int
    client_mpi_id: str
    plan_no: int
    billing_group_no: int
    units: Decimal
    next_bill_date: str | None
    bill_in_days: int


@dataclass(frozen=True)
class Account:
    acct_no: int
    client_acct_id: str
    userid: str
    currency_cd: str
    billing_groups: tuple[BillingGroup, ...]
    mpis: tuple[MasterPlanInstance, ...]
    payment_methods: tuple[PaymentMethod, ...]

    def billing_group(self, number: int) -> BillingGroup | None:
        """The account's billing group with this number."""
        for group in self.billing_groups:  # a loop: next() over a generator costs twice as much
            if group.billing_group_no == number:
                return group
        return None

    def payment_method(self, seq: int | None) -> PaymentMethod | None:
        """The payment method for a billing group (its own, else the account's first)."""
        for method in self.payment_methods:
            if seq is None or method.seq == seq:
                return method
        return None


@dataclass(frozen=True)
class Tenant:
    """One Aria client (client_no) with its catalogue and accounts."""

    client_no: int
    auth_key: str
    name: str
    offset_hours: int
    params: ClientParameters
    plans: Mapping[int, Plan]
    items: Mapping[str, InventoryItem]
    coupons: Mapping[str, Coupon]
    accounts: Mapping[int, Account]
    accounts_by_client_id: Mapping[str, Account] = field(default_factory=dict)
    accounts_by_userid: Mapping[str, Account] = field(default_factory=dict)
    # master plan instance / billing group number -> owning account
    mpi_accounts: Mapping[int, Account] = field(default_factory=dict)


@dataclass(frozen=True)
class World:
    """Everything a fixture defines."""

    tenants: Mapping[int, Tenant]
    digest: str
    # where id sequences start (a sandbox's numbers are not the stub's defaults)
    id_sequences: Mapping[str, int] = field(default_factory=dict)
