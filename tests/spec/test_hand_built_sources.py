"""Every field of the hand-built layer comes from a source, and none that Swagger lists is lost.

The docs win over Swagger (they are newer) except where a page dump is visibly cut off; a name
that appears on neither the method's page nor in its Swagger 19 definition was invented.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path

import pytest

from harness.spec import registry
from harness.swagger import ApiModel, load_description, plain_name
from harness.swagger.model import Field, Method

# Where the docs spell a Swagger field differently (the docs win): (method, side, Swagger path
# prefix) -> the docs' spelling. Each is on the method's docs page.
DOCS_SPELLINGS = {
    ("create_order_m", "input", "acct_no"): "account_no",
    ("create_order_m", "input", "order_line_items"): "order_line_items_list",
    ("create_order_m", "output", "cart_invoice_line_items"): "invoice_line_items_list",
}
# Docs pages that say a field "was removed from this API call" name it in that note.
_REMOVED = re.compile(r"previously existing input and/or output fields (.*?) were removed", re.S)


@functools.cache
def _swagger(folder: str) -> ApiModel:
    return load_description(str(Path(folder, "all_A7_19_swagger.json")))


@functools.cache
def _hand() -> ApiModel:
    return load_description("bundled")


def _plain_flat(method: Method, side: str) -> set[str]:
    """Every field path of one side, spelled without release 19's _2 artifact."""
    paths: set[str] = set()

    def walk(fields: Mapping[str, Field], prefix: str) -> None:
        for name, field in fields.items():
            path = prefix + plain_name(name, fields)
            paths.add(path)
            walk(field.children, path + "[].")

    walk(method.fields(side), "")
    return paths


def _page(aria_docs: Path, method: str) -> str | None:
    page = aria_docs / f"{method}.txt"
    return page.read_text(encoding="utf-8") if page.is_file() else None


def _docs_spelling(method: str, side: str, path: str) -> str:
    for (name, where, prefix), spelled in DOCS_SPELLINGS.items():
        if name == method and where == side and (path == prefix or path.startswith(prefix + "[]")):
            return spelled + path[len(prefix) :]
    return path


# Every side of every method the hand-built layer describes whole.
SIDES = [(method, side) for method in registry().names for side in ("input", "output")]


@pytest.mark.parametrize(("method", "side"), SIDES)
def test_no_field_swagger_lists_is_missing_unless_the_docs_remove_it(
    method: str, side: str, aria_swagger: Path, aria_docs: Path
) -> None:
    swagger = _swagger(str(aria_swagger))
    if method not in swagger:
        pytest.skip(f"{method} is Aria6, not in the A7 Swagger")
    page = _page(aria_docs, method) or ""
    removed = set(re.findall(r"<([a-z_0-9]+)>", " ".join(_REMOVED.findall(page))))
    described = _plain_flat(_hand()[method], side)
    missing = {
        path
        for path in _plain_flat(swagger[method], side)
        if _docs_spelling(method, side, path) not in described
        and path.rsplit("[].", 1)[-1] not in removed
    }
    assert missing == set(), f"{method} {side}: Swagger 19 lists fields the description lacks"


@pytest.mark.parametrize(("method", "side"), SIDES)
def test_every_hand_built_field_name_appears_in_a_source(
    method: str, side: str, aria_swagger: Path, aria_docs: Path
) -> None:
    swagger = _swagger(str(aria_swagger))
    # Any page: a row whose name one page lost may be named on a sibling page with the same
    # description (gen_rb_m's tax rounding rows, named on gen_invoice_m's page).
    pages = " ".join(page.read_text(encoding="utf-8") for page in sorted(aria_docs.glob("*.txt")))
    names_in_swagger = (
        {path.rsplit("[].", 1)[-1] for path in _plain_flat(swagger[method], side)}
        if method in swagger
        else set()
    )
    invented = {
        path
        for path in _hand()[method].flat(side)
        if (name := path.rsplit("[].", 1)[-1]) not in names_in_swagger
        and not re.search(rf"(?<![a-z0-9_]){re.escape(name)}(?![a-z0-9_])", pages)
    }
    assert invented == set(), f"{method} {side}: names found neither on the page nor in Swagger 19"


def test_no_hand_built_field_carries_the_suffix_2_artifact() -> None:
    spelled = {
        f"{method.name} {side} {path}"
        for method in _hand().methods.values()
        for side in ("input", "output")
        for path in set(method.flat(side)) - _plain_flat(method, side)
    }
    assert spelled == set(), "earlier releases spell these without _2 (an artifact of release 19)"


@pytest.mark.parametrize("method", [name for name in registry().names if name != "gen_invoice"])
def test_a_hand_built_requirement_is_required_by_swagger_or_marked_on_the_page(
    method: str, aria_swagger: Path, aria_docs: Path
) -> None:
    spec = registry()[method]
    swagger = _swagger(str(aria_swagger))[method]
    envelope = {"client_no", "auth_key"}
    required = set(spec.required) - envelope
    schema = registry().schema(spec.request_schema)
    for option in schema.get("anyOf", ()):
        required |= set(option.get("required", ()))
    by_swagger = {
        _docs_spelling(method, "input", n) for n, f in swagger.inputs.items() if f.required
    }
    # The page's "Required Fields:" list where it has one; create_order_m's page marks them with
    # icons instead, read in aria.yaml (account_no; order_line_items_list, reasoned there).
    page = _page(aria_docs, method) or ""
    listed = re.search(r"Required Fields:(.*?)Error Codes:", page, re.S)
    by_docs = set(re.findall(r"<([a-z_0-9]+)>", listed.group(1))) if listed else set()
    by_docs |= {"create_order_m": {"account_no", "order_line_items_list"}}.get(method, set())
    # gen_invoice_m's page answers 1009 "Account not found: Userid (userid)": an account is
    # looked up by userid alone too, so it is the third of the account alternatives (aria.yaml)
    by_docs |= {"gen_invoice_m": {"userid"}}.get(method, set())
    assert required - by_swagger - by_docs == set(), f"{method}: required by no source"
