"""Request bodies are checked against the schemas in openapi.yaml.

Error messages name the field and the rule it broke, using only names from the
schema, never the value that was sent (it may be the draft itself).
"""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import yaml

from ..errors import APIError
from ..request_body import read_body


def load_openapi() -> dict:
    text = (resources.files("postguard") / "openapi.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _inline_refs(node, schemas: dict):
    """Replace ``#/components/schemas/X`` refs by their targets (none is recursive):
    resolving them on every request would cost more than the rest of validation."""
    if isinstance(node, list):
        return [_inline_refs(item, schemas) for item in node]
    if not isinstance(node, dict):
        return node
    node = dict(node)
    target = node.pop("$ref", None)
    inlined = {key: _inline_refs(value, schemas) for key, value in node.items()}
    if target is None:
        return inlined
    return {**_inline_refs(schemas[target.rsplit("/", 1)[1]], schemas), **inlined}


class Schemas:
    """Compiled validators for the request bodies named in ``components.schemas``."""

    def __init__(self, openapi: dict):
        self.openapi = openapi
        schemas = openapi["components"]["schemas"]
        self._validators = {
            name: jsonschema.Draft202012Validator(_inline_refs(schemas[name], schemas))
            for name in ("ScanRequest", "EventRequest", "ImageQuery")
        }

    def error_for(self, name: str, body) -> str | None:
        errors = self._validators[name].iter_errors(body)
        error = jsonschema.exceptions.best_match(errors)
        return None if error is None else _describe(error)


def _field(error: jsonschema.ValidationError) -> str:
    parts = [str(part) for part in error.absolute_path]
    return "/".join(parts) if parts else "body"


def _describe(error: jsonschema.ValidationError) -> str:
    schema, kind = error.schema, error.validator
    where = _field(error)
    if kind == "required":
        missing = [
            name
            for name in error.validator_value
            if isinstance(error.instance, dict) and name not in error.instance
        ]
        return f"Missing required field {', '.join(missing)}."
    if kind == "additionalProperties":
        allowed = ", ".join(schema.get("properties", {}))
        return f"Unknown field in {where}; allowed fields: {allowed}."
    if kind == "type":
        return f"Field {where} must be of type {error.validator_value}."
    if kind == "enum":
        allowed = ", ".join(str(value) for value in error.validator_value)
        return f"Field {where} must be one of: {allowed}."
    if kind in ("maxLength", "maxItems", "minLength", "minItems"):
        return f"Field {where} breaks the {kind} limit of {error.validator_value}."
    if kind == "pattern":
        return f"Field {where} has an invalid format."
    if kind == "uniqueItems":
        return f"Field {where} must not repeat items."
    return f"Field {where} is not valid ({kind})."


def read_json(schemas: Schemas, name: str):
    """The request body parsed and checked against ``name``, or a 400 APIError."""
    raw = read_body()
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise APIError(
            400, "malformed_json", "The request body is not valid JSON."
        ) from None
    problem = schemas.error_for(name, body)
    if problem:
        raise APIError(400, "invalid_request", problem)
    return body
