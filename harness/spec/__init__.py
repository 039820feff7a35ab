"""The bundled description of the Aria API and the registry of its methods."""

from harness.spec.registry import (
    DISPATCHER_PATH,
    ErrorCode,
    Invoicing,
    MethodSpec,
    Registry,
    documented_error,
    is_false,
    registry,
)
from harness.spec.resources import data_dir, load_document

__all__ = [
    "DISPATCHER_PATH",
    "ErrorCode",
    "Invoicing",
    "MethodSpec",
    "Registry",
    "data_dir",
    "documented_error",
    "is_false",
    "load_document",
    "registry",
]
