"""Check a run report against ``report-schema.json`` before reading it.

A small validator for the part of JSON Schema that the report's schema uses (``type``,
``const``, ``enum``, ``required``, ``properties``, ``additionalProperties``, ``items``,
``minimum``, ``$ref`` to ``#/$defs/...``), so that reading a report needs no dependency. It
names the first field that is wrong, as a path: ``notes[2].blocks[0].outcome``.
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files
from typing import Any

#: Keywords that only describe; every other keyword of the schema is checked.
ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description"})

#: Keywords :func:`problem` checks.
KEYWORDS = frozenset(
    {
        "type",
        "const",
        "enum",
        "required",
        "properties",
        "additionalProperties",
        "items",
        "minimum",
        "$ref",
    }
)

TYPES: dict[str, Any] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "integer": lambda value: (
        (isinstance(value, int) and not isinstance(value, bool))
        or (isinstance(value, float) and value.is_integer())
    ),
    "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
}


@functools.cache
def report_schema() -> dict[str, Any]:
    """The schema shipped with the package."""
    text = files("pytest_torchnotes").joinpath("report-schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def problem(data: Any, schema: dict[str, Any] | None = None) -> str | None:
    """The first place where ``data`` does not follow ``schema`` (the report's by default),
    as ``FIELD: what is wrong``, or ``None``.

    >>> problem([])
    'the report: [] is not an object'
    >>> problem({"schema": "pytest-torchnotes-report"})
    'version: missing'
    """
    root = report_schema() if schema is None else schema
    return _check(data, root, root, "")


def _check(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str) -> str | None:
    unknown = set(schema) - KEYWORDS - ANNOTATIONS
    if unknown:  # pragma: no cover - a schema change this validator does not follow yet
        raise NotImplementedError(f"schema keywords {sorted(unknown)} are not checked")
    name = where or "the report"
    if "$ref" in schema:
        found = _check(value, _resolve(root, schema["$ref"]), root, where)
        if found is not None:
            return found
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[kind](value) for kind in types):
            return f"{name}: {_show(value)} is not {' or '.join(_article(t) for t in types)}"
    if "const" in schema and not _equal(value, schema["const"]):
        return f"{name}: {_show(value)} is not {_show(schema['const'])}"
    if "enum" in schema and not any(_equal(value, option) for option in schema["enum"]):
        options = ", ".join(_show(option) for option in schema["enum"])
        return f"{name}: {_show(value)} is not one of {options}"
    if "minimum" in schema and TYPES["number"](value) and value < schema["minimum"]:
        return f"{name}: {_show(value)} is less than {schema['minimum']}"
    if isinstance(value, dict):
        return _check_object(value, schema, root, where)
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found = _check(item, schema["items"], root, f"{where}[{index}]")
            if found is not None:
                return found
    return None


def _check_object(
    value: dict[str, Any], schema: dict[str, Any], root: dict[str, Any], where: str
) -> str | None:
    prefix = f"{where}." if where else ""
    for key in schema.get("required", []):
        if key not in value:
            return f"{prefix}{key}: missing"
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in properties:
            found = _check(item, properties[key], root, f"{prefix}{key}")
        elif extra is False:
            return f"{prefix}{key}: not a field of the report"
        elif isinstance(extra, dict):
            found = _check(item, extra, root, f"{prefix}{key}")
        else:  # pragma: no cover - every object of the report's schema says what it holds
            found = None
        if found is not None:
            return found
    return None


def _resolve(root: dict[str, Any], reference: str) -> dict[str, Any]:
    if not reference.startswith("#/"):  # pragma: no cover - the schema refers to itself only
        raise NotImplementedError(f"$ref {reference!r}")
    target: Any = root
    for part in reference[2:].split("/"):
        target = target[part]
    resolved: dict[str, Any] = target
    return resolved


def _equal(value: Any, expected: Any) -> bool:
    """JSON equality: ``1.0`` is ``1``, ``true`` is not."""
    if TYPES["number"](value) and TYPES["number"](expected):
        return bool(value == expected)
    return type(value) is type(expected) and bool(value == expected)


def _article(kind: str) -> str:
    return "null" if kind == "null" else ("an " if kind[0] in "aeiou" else "a ") + kind


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."
