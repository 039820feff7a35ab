"""Load a description from a file, a URL or the bundled one, in either format."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from harness.errors import DescriptionError, FetchError
from harness.facts import load_yaml
from harness.swagger.model import ApiModel

__all__ = ["BUNDLED", "FETCH_TIMEOUT", "PUBLISHED_PATH", "load_description", "read_description"]

BUNDLED = "bundled"
# Where every Aria environment serves its current description.
PUBLISHED_PATH = "/v1/core/a7/api-docs/all_A7_swagger.json"
FETCH_TIMEOUT = 30.0


def read_description(document: Any, *, location: str = "") -> ApiModel:
    """The model of a parsed Swagger 2.0 or OpenAPI 3.x document."""
    from harness.swagger.openapi3 import read_openapi3
    from harness.swagger.swagger2 import read_swagger2

    where = location or "the document"
    if not isinstance(document, Mapping):
        raise DescriptionError(f"{where} is not a JSON or YAML object")
    reader = None
    if str(document.get("swagger", "")).startswith("2"):
        reader = read_swagger2
    elif str(document.get("openapi", "")).startswith("3"):
        reader = read_openapi3
    if reader is not None:
        try:
            model = reader(document, location=location)
        except (AttributeError, TypeError, KeyError, ValueError) as exc:
            # A document of the right version whose parts have the wrong shapes.
            raise DescriptionError(f"{where} is malformed ({type(exc).__name__}: {exc})") from None
        if not model.methods:
            raise DescriptionError(f"{where} describes no method (no POST operation under paths)")
        return model
    raise DescriptionError(
        f"{where} is neither Swagger 2.0 nor OpenAPI 3.x "
        "(no 'swagger: 2.0' or 'openapi: 3.x' at its top)"
    )


def load_description(where: str, *, timeout: float = FETCH_TIMEOUT) -> ApiModel:
    """Load ``where``: "bundled", an http(s) URL or a local path (JSON or YAML).

    An unreachable URL raises FetchError; a file that is missing or not a description
    raises DescriptionError.
    """
    if where == BUNDLED:
        from harness.spec import load_document
        from harness.spec.registry import OPENAPI_FILE

        return read_description(load_document("openapi", OPENAPI_FILE), location=BUNDLED)
    if where.startswith(("http://", "https://")):
        return read_description(_parse(_fetch(where, timeout), where, FetchError), location=where)
    path = Path(where)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DescriptionError(f"cannot read {where}: {reason}") from None
    return read_description(_parse(text, where, DescriptionError), location=where)


def _fetch(url: str, timeout: float) -> str:
    import requests

    try:
        response = requests.get(url, timeout=timeout)
    except requests.RequestException as exc:
        raise FetchError(f"{url} could not be fetched: {type(exc).__name__}") from None
    if response.status_code != 200:
        raise FetchError(f"{url} answered HTTP {response.status_code}")
    return response.text


def _parse(text: str, where: str, error: type[Exception]) -> Any:
    # Aria serves JSON; YAML is accepted for hand-kept files. JSON first: it is much faster.
    try:
        return json.loads(text)
    except ValueError:
        pass
    import yaml

    try:
        document = load_yaml(text)
    except yaml.YAMLError:
        raise error(f"{where} is neither JSON nor YAML") from None
    if not isinstance(document, Mapping):
        raise error(f"{where} is not a description (not a JSON or YAML object)")
    return document
