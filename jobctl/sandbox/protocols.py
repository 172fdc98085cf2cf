"""The wire protocols: routes built from the models, request parsing, responses and errors.

rest-json routes come from each operation's ``http.requestUri``; awsJson 1.1 routes from
``X-Amz-Target``; smithy rpc-v2-cbor from ``/service/{Service}/operation/{Operation}``;
the query protocol from the ``Action`` and ``Version`` fields of a form POSTed to ``/``
(see ``jobctl.sandbox.query``). Which of these a service speaks is read from its model's
``protocols`` list.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

from jobctl.sandbox import models, query
from jobctl.sandbox.wire import NON_BODY_LOCATIONS, WireError, from_wire, to_wire

JSON_CONTENT_TYPE = {"rest-json": "application/json", "json": "application/x-amz-json-1.1"}
CBOR_NAMESPACE = "com.amazonaws"
CORAL_NAMESPACE = "com.amazon.coral.service"
# The query protocol's services are older: their front door names the same errors
# without the "Exception" suffix, and an unknown key differently.
QUERY_CODES = {
    "AccessDeniedException": "AccessDenied",
    "ExpiredTokenException": "ExpiredToken",
    "UnrecognizedClientException": "InvalidClientTokenId",
}


@dataclass
class HttpRequest:
    method: str
    path: str  # raw, still percent-encoded, without the query string
    query: str
    headers: dict[str, str]  # lower-cased names
    body: bytes


@dataclass
class HttpResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    error: str | None = None  # the error code an error response carries


@dataclass(frozen=True)
class Route:
    service: str  # jobctl's service name ("amplify-backend")
    botocore_name: str
    operation: str
    protocol: str  # "rest-json" | "json" | "cbor" | "query"
    labels: dict[str, str] = field(default_factory=dict, compare=False)


class Router:
    """Matches an HTTP request to (service, operation, protocol) using the models."""

    def __init__(self, operations: list[tuple[str, str, str]]) -> None:
        self._rest: list[tuple[str, re.Pattern[str], tuple[str, str, str]]] = []
        self._targets: dict[str, tuple[str, str, str]] = {}
        self._cbor: dict[str, tuple[str, str, str]] = {}
        # (Version, Action) → key, and Action → keys for a request without a Version.
        self._query: dict[tuple[str, str], tuple[str, str, str]] = {}
        self._actions: dict[str, list[tuple[str, str, str]]] = {}
        for service, botocore_name, operation in operations:
            model = models.service_model(botocore_name)
            protocols = model.metadata.get("protocols") or [model.metadata["protocol"]]
            http = model.operation_model(operation).http
            key = (service, botocore_name, operation)
            if "rest-json" in protocols:
                self._rest.append((http["method"], _uri_regex(http["requestUri"]), key))
            if "json" in protocols:
                self._targets[f"{model.metadata['targetPrefix']}.{operation}"] = key
            if "smithy-rpc-v2-cbor" in protocols:
                path = f"/service/{model.metadata['targetPrefix']}/operation/{operation}"
                self._cbor[path] = key
            if "query" in protocols:
                self._query[(model.api_version, operation)] = key
                self._actions.setdefault(operation, []).append(key)

    def match(self, request: HttpRequest) -> Route | None:
        if self._query and is_query(request):
            return self._match_query(request)
        target = request.headers.get("x-amz-target")
        if request.method == "POST" and target is not None:
            key = self._targets.get(target)
            return Route(*key, protocol="json") if key else None
        if request.method == "POST" and request.path in self._cbor:
            return Route(*self._cbor[request.path], protocol="cbor")
        for method, regex, key in self._rest:
            found = regex.fullmatch(request.path)
            if found and method == request.method:
                labels = {k: unquote(v) for k, v in found.groupdict().items()}
                return Route(*key, protocol="rest-json", labels=labels)
        return None

    def _match_query(self, request: HttpRequest) -> Route | None:
        try:
            form = query.form_fields(request.body, request.query)
        except WireError:
            return None
        action, version = form.get("Action", ""), form.get("Version")
        key = self._query.get((version, action)) if version else None
        if key is None and not version and len(self._actions.get(action, [])) == 1:
            key = self._actions[action][0]
        return Route(*key, protocol="query") if key else None


def is_query(request: HttpRequest) -> bool:
    """A query-protocol request: a form POSTed to ``/`` (or a GET with ``Action``)."""
    if request.path != "/" or "x-amz-target" in request.headers:
        return False
    if request.method == "POST":
        content_type = request.headers.get("content-type", "")
        return content_type.split(";", 1)[0].strip().lower() == query.FORM_TYPE
    return request.method == "GET" and "Action=" in request.query


def _uri_regex(request_uri: str) -> re.Pattern[str]:
    path = request_uri.split("?", 1)[0]
    pattern = ""
    for literal, label in re.findall(r"([^{]*)(?:\{([^}]*)\})?", path):
        pattern += re.escape(literal)
        if label:
            greedy = label.endswith("+")
            pattern += f"(?P<{label.rstrip('+')}>{'.+' if greedy else '[^/]+'})"
    return re.compile(pattern)


def guess_protocol(request: HttpRequest) -> str:
    """The protocol an unroutable request expects its error in."""
    if is_query(request):
        return "query"
    if "x-amz-target" in request.headers:
        return "json"
    if request.headers.get("smithy-protocol") == "rpc-v2-cbor":
        return "cbor"
    return "rest-json"


def parse_params(route: Route, request: HttpRequest) -> dict[str, Any]:
    """The request as the boto3 keyword arguments that produced it."""
    shape = models.operation_model(route.botocore_name, route.operation).input_shape
    if shape is None:
        return {}
    if route.protocol == "cbor" and request.headers.get("smithy-protocol") != "rpc-v2-cbor":
        raise WireError("missing header smithy-protocol: rpc-v2-cbor")
    if route.protocol == "query":
        return query.from_form(query.form_fields(request.body, request.query), shape)
    body = _decode_body(route.protocol, request.body)
    params = from_wire(body, shape, route.protocol, "")
    if route.protocol != "rest-json":
        return params
    querystring = parse_qs(request.query, keep_blank_values=True)
    for name, member in shape.members.items():
        where = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        raw: Any = None
        if where == "uri":
            raw = route.labels.get(wire)
        elif where == "querystring" and wire in querystring:
            raw = querystring[wire] if member.type_name == "list" else querystring[wire][0]
        elif where == "header":
            raw = request.headers.get(wire.lower())
        if raw is not None:
            params[name] = from_wire(raw, member, route.protocol, wire)
    return params


def _decode_body(protocol: str, body: bytes) -> Any:
    if not body:
        return {}
    try:
        if protocol == "cbor":
            import cbor2

            return cbor2.loads(body)
        return json.loads(body)
    except Exception as exc:  # any decoder failure is the client's malformed body
        raise WireError(f"malformed request body: {exc}") from None


def success_response(route: Route, output: dict[str, Any]) -> HttpResponse:
    shape = models.operation_model(route.botocore_name, route.operation).output_shape
    if route.protocol == "query":
        request_id = str(uuid.uuid4())
        namespace = _xml_namespace(route.botocore_name)
        body = query.response_body(route.operation, shape, output, namespace, request_id)
        return HttpResponse(200, _query_headers(request_id), body)
    headers: dict[str, str] = {}
    status = 200
    body_value: dict[str, Any] = {}
    if shape is not None:
        body_value = to_wire(output, shape, route.protocol)
        for name, member in shape.members.items():
            where = member.serialization.get("location")
            if where in NON_BODY_LOCATIONS and output.get(name) is not None:
                if where == "header":
                    headers[member.serialization.get("name", name)] = str(output[name])
                elif where == "statusCode":
                    status = int(output[name])
    return make_response(route.protocol, status, body_value, headers)


def error_response(
    protocol: str,
    botocore_name: str | None,
    code: str,
    message: str,
    status: int,
    front_door: bool = False,
) -> HttpResponse:
    """An error exactly as the protocol carries it, so botocore raises ClientError(code).

    ``front_door``: an error of AWS's request layer (an unrecognized client), which names
    the error in the coral namespace rather than the service's."""
    response = _error_response(protocol, botocore_name, code, message, status, front_door)
    response.error = response.error or code
    return response


def _error_response(
    protocol: str,
    botocore_name: str | None,
    code: str,
    message: str,
    status: int,
    front_door: bool,
) -> HttpResponse:
    if protocol == "query":
        code = QUERY_CODES.get(code, code)
        request_id = str(uuid.uuid4())
        namespace = _xml_namespace(botocore_name)
        body = query.error_body(code, message, status, namespace, request_id)
        return HttpResponse(status, _query_headers(request_id), body, code)
    if front_door:
        if protocol == "rest-json":
            header = f"{code}:http://internal.amazon.com/coral/{CORAL_NAMESPACE}/"
            return make_response(
                protocol, status, {"message": message}, {"x-amzn-ErrorType": header}
            )
        return make_response(
            protocol, status, {"__type": f"{CORAL_NAMESPACE}#{code}", "message": message}
        )
    if protocol == "rest-json":
        # rest-json names the error in a header; the body carries the message only.
        return make_response(protocol, status, {"message": message}, {"x-amzn-ErrorType": code})
    if protocol == "cbor":
        # rpc-v2-cbor carries the full shape ID; botocore keeps the part after '#'.
        prefix = models.service_model(botocore_name).endpoint_prefix if botocore_name else "aws"
        code = f"{CBOR_NAMESPACE}.{prefix}#{code}"
    return make_response(protocol, status, {"__type": code, "message": message})


def _xml_namespace(botocore_name: str | None) -> str:
    if botocore_name is None:
        return "https://amazonaws.com/"
    return str(models.service_model(botocore_name).metadata.get("xmlNamespace", ""))


def _query_headers(request_id: str) -> dict[str, str]:
    return {"Content-Type": query.CONTENT_TYPE, "x-amzn-RequestId": request_id}


def make_response(
    protocol: str, status: int, value: Any, headers: dict[str, str] | None = None
) -> HttpResponse:
    body, content_headers = encode_body(protocol, value)
    return HttpResponse(status, {**content_headers, **(headers or {})}, body)


def encode_body(protocol: str, value: Any) -> tuple[bytes, dict[str, str]]:
    if protocol == "cbor":
        import cbor2

        return cbor2.dumps(value), {
            "Content-Type": "application/cbor",
            "smithy-protocol": "rpc-v2-cbor",
        }
    body = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return body, {"Content-Type": JSON_CONTENT_TYPE[protocol]}
