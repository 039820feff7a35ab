"""Turn a JSON Schema object (Swagger 2.0 or OpenAPI 3.x flavour) into model fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from harness.errors import DescriptionError
from harness.swagger import quirks
from harness.swagger.model import ApiModel, Field, Method

__all__ = ["SchemaReader", "build_method", "read_model"]


class SchemaReader:
    """Reads the properties of object schemas into ``Field`` trees, following $refs."""

    def __init__(self, components: Mapping[str, Any], prefix: str) -> None:
        if not isinstance(components, Mapping):
            raise DescriptionError(f"the schemas under {prefix!r} are not an object")
        self._components = components
        self._prefix = prefix
        # Item schemas are shared by many methods (OptionalTransactionQualifier by most):
        # each is read once. Fields are frozen, so methods can share them.
        self._memo: dict[str, dict[str, Field]] = {}
        self._cut = False  # set when a self-containing schema was cut short below

    def resolve(self, ref: str) -> tuple[str, Mapping[str, Any]]:
        """The component a "$ref" names: (its name, its schema)."""
        name = ref[len(self._prefix) :] if ref.startswith(self._prefix) else ""
        if name not in self._components:
            raise DescriptionError(f"unresolvable $ref {ref!r}")
        return name, self._components[name]

    def object_fields(
        self, schema: Mapping[str, Any], *, skip: frozenset[str] = frozenset()
    ) -> dict[str, Field]:
        """The fields of an object schema (a $ref is followed), minus the names in ``skip``."""
        _, schema = self.follow(schema)
        return self._properties(schema, skip=skip, seen=())

    def follow(self, schema: Mapping[str, Any]) -> tuple[str | None, Mapping[str, Any]]:
        """A schema with its $ref followed: (the component's name or None, the schema)."""
        if "$ref" in schema:
            return self.resolve(str(schema["$ref"]))
        return None, schema

    def _properties(
        self, schema: Mapping[str, Any], *, skip: frozenset[str], seen: tuple[str, ...]
    ) -> dict[str, Field]:
        properties = dict(schema.get("properties") or {})
        for part in schema.get("allOf") or ():
            _, part_schema = self.follow(part)
            properties.update(part_schema.get("properties") or {})
        required = {str(name) for name in schema.get("required") or ()}
        fields: dict[str, Field] = {}
        for name, prop in properties.items():
            if name in skip:
                continue
            if not isinstance(prop, Mapping):
                raise DescriptionError(f"property {name!r} is not a schema object")
            flag = prop.get("required")
            # A property-level "required": "true" (a string) is Aria's, not JSON Schema's.
            is_required = name in required or (not isinstance(flag, list) and quirks.truthy(flag))
            fields[str(name)] = self._field(str(name), prop, is_required, seen)
        return fields

    def _field(
        self, name: str, prop: Mapping[str, Any], required: bool, seen: tuple[str, ...]
    ) -> Field:
        ref_name, prop = self.follow(prop) if "$ref" in prop else (None, prop)
        type_ = quirks.split_nullable(prop.get("type"))
        if type_ == "any" and (prop.get("properties") or ref_name):
            type_ = "object"
        common: dict[str, Any] = {
            "name": name,
            "required": required,
            "max_length": quirks.max_length_of(prop),
            "enum": _enum(prop),
            "description": quirks.clean_text(prop.get("description")),
        }
        if type_ == "array":
            items = prop.get("items") or {}
            item_name, item_schema = self.follow(items)
            item_type = quirks.split_nullable(item_schema.get("type"))
            if item_type in ("object", "any") and (item_schema.get("properties") or item_name):
                children = self._nested(item_name, item_schema, seen)
                return Field(type="array", item_schema=item_name, children=children, **common)
            return Field(type="array", item_type=item_type, **common)
        if type_ == "object":
            children = self._nested(ref_name, prop, seen)
            return Field(type="object", item_schema=ref_name, children=children, **common)
        return Field(type=type_, **common)

    def _nested(
        self, schema_name: str | None, schema: Mapping[str, Any], seen: tuple[str, ...]
    ) -> dict[str, Field]:
        if schema_name is None:
            return self._properties(schema, skip=frozenset(), seen=seen)
        if schema_name in seen:
            self._cut = True
            return {}  # a schema that contains itself: stop at the second visit
        if schema_name in self._memo:
            return self._memo[schema_name]
        outer_cut, self._cut = self._cut, False
        children = self._properties(schema, skip=frozenset(), seen=(*seen, schema_name))
        if not self._cut:  # what was read does not depend on the path that led here
            self._memo[schema_name] = children
        self._cut = outer_cut or self._cut
        return children


def _enum(prop: Mapping[str, Any]) -> tuple[Any, ...] | None:
    values = prop.get("enum")
    if not isinstance(values, list):
        return None
    return tuple(value for value in values if value is not None)


def read_model(
    document: Mapping[str, Any],
    reader: SchemaReader,
    method_of: Callable[[SchemaReader, str, Mapping[str, Any]], Method],
    *,
    fmt: str,
    location: str,
) -> ApiModel:
    """The model of a document: one method per path's POST operation, read by ``method_of``."""
    methods: dict[str, Method] = {}
    for path, item in (document.get("paths") or {}).items():
        operation = item.get("post") if isinstance(item, Mapping) else None
        if isinstance(operation, Mapping):
            method = method_of(reader, str(path), operation)
            methods[method.name] = method
    info = document.get("info") or {}
    return ApiModel(
        methods=methods,
        version=str(info.get("version", "")),
        title=str(info.get("title", "")),
        format=fmt,
        location=location,
    )


def build_method(
    reader: SchemaReader,
    operation: Mapping[str, Any],
    *,
    path: str,
    request: Mapping[str, Any],
    response: Mapping[str, Any],
    name_hint: str,
    explicit_name: str = "",
    source: str,
) -> Method:
    """One method from its request and response schemas, the envelope left out."""
    request_name, request = reader.follow(request)
    response_name, response = reader.follow(response)
    return Method(
        name=quirks.method_name(request, summary=name_hint, path=path, explicit=explicit_name),
        inputs=reader.object_fields(request, skip=quirks.ENVELOPE_INPUTS),
        outputs=reader.object_fields(response, skip=quirks.ENVELOPE_OUTPUTS),
        summary=quirks.clean_text(operation.get("summary")),
        description=quirks.clean_text(operation.get("description")),
        request_schema=request_name,
        response_schema=response_name,
        source=source,
    )
