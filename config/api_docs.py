"""The open data page: the JSON API's documentation drawn on the server from
its OpenAPI schema (the stock Swagger page loads its scripts from a CDN), with
the feeds and the data set. Works without JavaScript."""

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from cases.data_set import LICENCE, LICENCE_URL
from config.api import api


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str
    required: bool
    type: str
    description: str


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter]
    returns: str
    # The component the answer is, when it is one: the page links to its fields.
    returns_model: str | None


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Model:
    name: str
    properties: list[Property] = field(default_factory=list)


def describe_type(schema: dict[str, Any]) -> str:
    """A JSON schema as a reader would say it: "list of Update", "integer or null"."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(describe_type(option) for option in schema["anyOf"])
    if "enum" in schema:
        return "one of " + ", ".join(str(value) for value in schema["enum"])
    kind = schema.get("type", "any")
    if kind == "array":
        return "list of " + describe_type(schema.get("items", {}))
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return str(kind)


def read_schema(schema: dict[str, Any]) -> tuple[list[Operation], list[Model]]:
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            responses = operation.get("responses", {})
            # Status codes are ints in the schema django-ninja builds, strings once it is JSON.
            ok = responses.get(200) or responses.get("200") or {}
            body = ok.get("content", {}).get("application/json", {}).get("schema", {})
            operations.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", ""),
                    description=operation.get("description", ""),
                    parameters=[
                        Parameter(
                            name=parameter["name"],
                            where=parameter["in"],
                            required=parameter.get("required", False),
                            type=describe_type(parameter.get("schema", {})),
                            description=parameter.get("description", "")
                            or parameter.get("schema", {}).get("description", ""),
                        )
                        for parameter in operation.get("parameters", [])
                    ],
                    returns=describe_type(body),
                    returns_model=body["$ref"].rsplit("/", 1)[-1] if "$ref" in body else None,
                )
            )
    models = [
        Model(
            name=name,
            properties=[
                Property(name=key, type=describe_type(value), description=value.get("description", ""))
                for key, value in component.get("properties", {}).items()
            ],
        )
        for name, component in sorted(schema.get("components", {}).get("schemas", {}).items())
    ]
    return operations, models


def open_data(request: HttpRequest) -> HttpResponse:
    schema_url = reverse("api_schema")
    operations, models = read_schema(api.get_openapi_schema())
    context = {
        "operations": operations,
        "models": models,
        "schema_url": schema_url,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
    }
    return render(request, "open_data.html", context)
