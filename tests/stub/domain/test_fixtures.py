"""The fixture format: the bundled default, Aria's defaults, and clear errors for bad files."""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness.stub.fixtures import FixtureError, build_world, read_fixture
from harness.stub.models import ClientParameters
from harness.stub.service import StubService


def test_default_fixture_has_the_demo_tenant_and_catalogue():
    world = build_world(read_fixture(None))
    tenant = world.tenants[7000001]
    assert tenant.auth_key == "stub-demo-auth-key-7000001"
    assert {"WIDGET", "GADGET", "EBOOK"} <= set(tenant.items)
    assert tenant.params.auto_bill_orders is True and tenant.params.pending_invoices is False
    assert tenant.params.tax_rounding == "Per invoice"
    # only the last four digits of a fixture card are kept
    assert all(len(m.last_four) == 4 for a in tenant.accounts.values() for m in a.payment_methods)


def test_omitted_client_parameters_take_arias_defaults():
    world = build_world({"tenants": [{"client_no": 1, "auth_key": "k"}]})
    params = world.tenants[1].params
    assert params == ClientParameters()
    assert params.auto_bill_orders is True
    assert params.pending_invoices is False
    assert params.tax_rate == Decimal(0)


def test_fixture_from_a_yaml_file(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("tenants:\n  - client_no: 5\n    auth_key: key5\n", encoding="utf-8")
    stub = StubService(fixtures=path)
    assert stub.default_credentials == (5, "key5")


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({}, "non-empty 'tenants' list"),
        ({"tenants": [{"auth_key": "k"}]}, "tenants[0]: missing required key 'client_no'"),
        (
            {"tenants": [{"client_no": "x", "auth_key": "k"}]},
            "tenants[0].client_no: expected an integer",
        ),
        (
            {"tenants": [{"client_no": 1, "auth_key": "k", "client_parameters": {"bogus": 1}}]},
            "unknown parameter",
        ),
        (
            {
                "tenants": [
                    {
                        "client_no": 1,
                        "auth_key": "k",
                        "client_parameters": {"auto_bill_orders": "yes"},
                    }
                ]
            },
            "expected true or false",
        ),
        (
            {"tenants": [{"client_no": 1, "auth_key": "k"}, {"client_no": 1, "auth_key": "j"}]},
            "duplicate client_no",
        ),
        (
            {
                "tenants": [
                    {
                        "client_no": 1,
                        "auth_key": "k",
                        "accounts": [{"acct_no": 1, "client_acct_id": "a", "billing_groups": []}],
                    }
                ]
            },
            "at least one billing group",
        ),
        (
            {
                "tenants": [
                    {
                        "client_no": 1,
                        "auth_key": "k",
                        "accounts": [
                            {
                                "acct_no": 1,
                                "client_acct_id": "a",
                                "billing_groups": [
                                    {"billing_group_no": 1, "client_billing_group_id": "b"}
                                ],
                                "master_plan_instances": [
                                    {
                                        "master_plan_instance_no": 1,
                                        "client_master_plan_instance_id": "m",
                                        "plan_no": 9,
                                    }
                                ],
                            }
                        ],
                    }
                ]
            },
            "no plan 9",
        ),
    ],
    ids=["empty", "missing", "type", "unknown-param", "bool", "dup", "no-group", "no-plan"],
)
def test_bad_fixtures_name_the_problem(raw, fragment):
    with pytest.raises(FixtureError) as caught:
        build_world(raw)
    assert fragment in str(caught.value)


def test_unreadable_and_malformed_files(tmp_path):
    with pytest.raises(FixtureError, match="cannot read fixture file"):
        read_fixture(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("tenants: [\n", encoding="utf-8")
    with pytest.raises(FixtureError, match="not valid YAML"):
        read_fixture(bad)


def test_a_bad_fixture_leaves_the_loaded_one_in_place(service):
    before = service.state_digest()
    with pytest.raises(FixtureError):
        service.load_fixtures({"tenants": []})
    assert service.state_digest() == before


def test_load_fixtures_replaces_tenants(service):
    service.load_fixtures({"tenants": [{"client_no": 3, "auth_key": "three"}]})
    assert service.default_credentials == (3, "three")
    assert (
        service.call(
            "get_virtual_datetime_m",
            {"client_no": 7000001, "auth_key": "stub-demo-auth-key-7000001"},
        )["error_code"]
        == 1004
    )
