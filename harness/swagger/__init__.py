"""Aria's API descriptions read into one normalised model: Swagger 2.0 and OpenAPI 3.x.

    load_description("all_A7_19_swagger.json") -> ApiModel -> Method -> Field

Every quirk of Aria's files is normalised in ``quirks.py`` (listed in ``QUIRKS``); the
release diff (``harness.releases``) and any converter work on the model only.
"""

from harness.swagger.model import ApiModel, Field, Method
from harness.swagger.quirks import QUIRKS, Quirk, plain_name
from harness.swagger.source import BUNDLED, PUBLISHED_PATH, load_description, read_description

__all__ = [
    "BUNDLED",
    "PUBLISHED_PATH",
    "QUIRKS",
    "ApiModel",
    "Field",
    "Method",
    "Quirk",
    "load_description",
    "plain_name",
    "read_description",
]
