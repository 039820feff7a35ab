"""Aria's form encoding: Aria6 pipe columns and PHP brackets, both ways."""

from __future__ import annotations

import pytest

from harness.formcodec import (
    MAX_ARRAY_INDEX,
    FormDecodeError,
    decode_form,
    encode_form,
    form_pairs,
    php_fields,
    php_key,
)

ORDER_ITEMS = {"order_line_items_list": ("client_sku", "units", "amount")}


def test_arrays_of_objects_travel_as_pipe_columns_without_the_array_name() -> None:
    params = {
        "account_no": 1,
        "order_line_items_list": [
            {"client_sku": "A", "units": 1},
            {"client_sku": "B", "units": 2.5},
        ],
    }
    assert form_pairs(params) == [("account_no", "1"), ("client_sku", "A|B"), ("units", "1|2.5")]
    assert decode_form(encode_form(params), array_fields=ORDER_ITEMS) == {
        "account_no": "1",
        "order_line_items_list": [
            {"client_sku": "A", "units": "1"},
            {"client_sku": "B", "units": "2.5"},
        ],
    }


def test_bracketed_keys_decode_to_nested_lists_in_index_order() -> None:
    body = "order_line_items_list[1][client_sku]=B&order_line_items_list[0][client_sku]=A&x[][y]=1"
    assert decode_form(body) == {
        "order_line_items_list": [{"client_sku": "A"}, {"client_sku": "B"}],
        "x": [{"y": "1"}],
    }


def test_a_value_with_a_pipe_falls_back_to_brackets_so_nothing_is_split() -> None:
    params = {"order_line_items_list": [{"client_sku": "A|B", "units": 1}]}
    body = encode_form(params)
    assert "order_line_items_list%5B0%5D%5Bclient_sku%5D=A%7CB" in body
    assert decode_form(body, array_fields=ORDER_ITEMS) == {
        "order_line_items_list": [{"client_sku": "A|B", "units": "1"}]
    }


def test_booleans_are_aria_strings_and_none_is_left_out() -> None:
    assert form_pairs({"do_write": False, "force_pending": True, "coupon_cd": None}) == [
        ("do_write", "false"),
        ("force_pending", "true"),
    ]


def test_brackets_win_over_pipe_columns_for_the_same_array() -> None:
    body = "client_sku=A|B&order_line_items_list[0][client_sku]=C"
    assert decode_form(body, array_fields=ORDER_ITEMS)["order_line_items_list"] == [
        {"client_sku": "C"}
    ]


def test_an_index_beyond_the_limit_is_refused_instead_of_allocated() -> None:
    with pytest.raises(FormDecodeError, match="beyond"):
        decode_form(f"x[{MAX_ARRAY_INDEX + 1}][y]=1")
    assert len(decode_form(f"x[{MAX_ARRAY_INDEX}][y]=1")["x"]) == MAX_ARRAY_INDEX + 1


def test_an_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="'pipe' or 'brackets'"):
        encode_form({}, style="json")


@pytest.mark.parametrize(
    ("sent", "php"),
    [
        ("rest.call", "rest_call"),
        ("rest call", "rest_call"),
        ("  rest_call", "rest_call"),
        ("rest[call", "rest_call"),
        ("rest_call\0junk", "rest_call"),
        ("items[0][a.b]", "items[0][a.b]"),
    ],
)
def test_a_name_is_rewritten_as_php_stores_it(sent: str, php: str) -> None:
    assert php_key(sent) == php


def test_php_reads_the_last_duplicate_after_rewriting() -> None:
    pairs = [("do_write", "false"), ("do.write", "true"), ("units", "1|2")]
    assert php_fields(pairs) == {"do_write": "true", "units": "1|2"}
