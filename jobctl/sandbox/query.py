"""The query protocol: form-encoded requests, XML responses, model-driven both ways.

botocore's query serializer flattens a request into form fields (``RoleArn=...``, a list
as ``Name.member.1``, a flattened list as ``Name.1``, a map as ``Name.entry.1.key`` /
``.value``, a structure as ``Name.Member``), POSTed to ``/`` with ``Action`` and
``Version``; the answer is ``<OperationResponse><OperationResult>...`` with the
output's members as elements (lists as ``<member>`` children), plus
``<ResponseMetadata><RequestId>``. Errors are ``<ErrorResponse><Error><Type>``
(Sender or Receiver) ``<Code><Message></Error><RequestId></ErrorResponse>``.

Nothing here names a service: the shapes, the result wrapper and the XML namespace come
from the model.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl
from xml.etree import ElementTree

from jobctl.sandbox.wire import WireError, parse_timestamp

if TYPE_CHECKING:
    from botocore.model import Shape

CONTENT_TYPE = "text/xml"
FORM_TYPE = "application/x-www-form-urlencoded"


def form_fields(body: bytes, query: str = "") -> dict[str, str]:
    """A query-protocol request's fields, from its query string and its form body."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WireError("malformed request body: not UTF-8 form data") from None
    pairs = parse_qsl(query, keep_blank_values=True) + parse_qsl(text, keep_blank_values=True)
    return dict(pairs)


def from_form(form: Mapping[str, str], shape: Shape) -> dict[str, Any]:
    """The boto3 keyword arguments a form was serialized from (unknown fields ignored)."""
    return _structure(form, shape, "")


def _structure(form: Mapping[str, str], shape: Shape, prefix: str) -> dict[str, Any]:
    out = {}
    for name, member in shape.members.items():  # type: ignore[attr-defined]
        key = f"{prefix}{member.serialization.get('name', name)}"
        if _present(form, key):
            out[name] = _value(form, member, key)
    return out


def _present(form: Mapping[str, str], key: str) -> bool:
    return key in form or any(name.startswith(key + ".") for name in form)


def _value(form: Mapping[str, str], shape: Shape, key: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _structure(form, shape, key + ".")
    if kind == "list":
        if form.get(key) == "":  # botocore sends an empty list as "Name="
            return []
        member = shape.member  # type: ignore[attr-defined]
        base = (
            key
            if shape.serialization.get("flattened")
            else (f"{key}.{member.serialization.get('name', 'member')}")
        )
        return [_value(form, member, f"{base}.{n}") for n in _indices(form, base)]
    if kind == "map":
        flat = shape.serialization.get("flattened")
        base = key if flat else f"{key}.entry"
        key_name = shape.key.serialization.get("name", "key")  # type: ignore[attr-defined]
        value_name = shape.value.serialization.get("name", "value")  # type: ignore[attr-defined]
        return {
            form.get(f"{base}.{n}.{key_name}", ""): _value(
                form,
                shape.value,  # type: ignore[attr-defined]
                f"{base}.{n}.{value_name}",
            )
            for n in _indices(form, base)
        }
    if key not in form:
        raise WireError(f"{key}: expected a value")
    return _scalar(kind, form[key], key)


def _indices(form: Mapping[str, str], base: str) -> list[int]:
    """The 1-based positions present under ``base`` (``base.1``, ``base.2.Key``...)."""
    found = set()
    for name in form:
        if name.startswith(base + "."):
            head = name[len(base) + 1 :].split(".", 1)[0]
            if head.isdigit():
                found.add(int(head))
    return sorted(found)


def _scalar(kind: str, text: str, key: str) -> Any:
    if kind in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            raise WireError(f"{key}: expected an integer, got {text!r}") from None
    if kind in ("float", "double"):
        try:
            return float(text)
        except ValueError:
            raise WireError(f"{key}: expected a number, got {text!r}") from None
    if kind == "boolean":
        if text not in ("true", "false"):
            raise WireError(f"{key}: expected true or false, got {text!r}")
        return text == "true"
    if kind == "timestamp":
        return parse_timestamp(text)
    if kind == "blob":
        try:
            return base64.b64decode(text, validate=True)
        except ValueError:
            raise WireError(f"{key}: expected base64") from None
    return text


# -- responses -------------------------------------------------------------------------------


def response_body(
    operation: str, shape: Shape | None, output: Mapping[str, Any], namespace: str, request_id: str
) -> bytes:
    """``<OperationResponse><OperationResult>...</OperationResult><ResponseMetadata>``."""
    root = ElementTree.Element(f"{operation}Response", xmlns=namespace)
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper", f"{operation}Result")
        result = ElementTree.SubElement(root, wrapper)
        _fill(result, output, shape)
    metadata = ElementTree.SubElement(root, "ResponseMetadata")
    ElementTree.SubElement(metadata, "RequestId").text = request_id
    return ElementTree.tostring(root, encoding="utf-8")


def error_body(code: str, message: str, status: int, namespace: str, request_id: str) -> bytes:
    """``<ErrorResponse><Error><Type><Code><Message></Error><RequestId>``; the type says
    whose fault it was (Receiver for 5xx)."""
    root = ElementTree.Element("ErrorResponse", xmlns=namespace)
    error = ElementTree.SubElement(root, "Error")
    ElementTree.SubElement(error, "Type").text = "Receiver" if status >= 500 else "Sender"
    ElementTree.SubElement(error, "Code").text = code
    ElementTree.SubElement(error, "Message").text = message
    ElementTree.SubElement(root, "RequestId").text = request_id
    return ElementTree.tostring(root, encoding="utf-8")


def _fill(element: ElementTree.Element, value: Mapping[str, Any], shape: Shape) -> None:
    for name, member in shape.members.items():  # type: ignore[attr-defined]
        if value.get(name) is None:
            continue
        tag = member.serialization.get("name", name)
        if member.type_name == "list" and member.serialization.get("flattened"):
            for item in value[name]:
                _element(element, tag, item, member.member)  # type: ignore[attr-defined]
        else:
            _element(element, tag, value[name], member)


def _element(parent: ElementTree.Element, tag: str, value: Any, shape: Shape) -> None:
    node = ElementTree.SubElement(parent, tag)
    kind = shape.type_name
    if kind == "structure":
        _fill(node, value, shape)
    elif kind == "list":
        member = shape.member  # type: ignore[attr-defined]
        for item in value:
            _element(node, member.serialization.get("name", "member"), item, member)
    elif kind == "map":
        key_name = shape.key.serialization.get("name", "key")  # type: ignore[attr-defined]
        value_name = shape.value.serialization.get("name", "value")  # type: ignore[attr-defined]
        for key, item in value.items():
            entry = ElementTree.SubElement(node, "entry")
            ElementTree.SubElement(entry, key_name).text = str(key)
            _element(entry, value_name, item, shape.value)  # type: ignore[attr-defined]
    else:
        node.text = _text(kind, value, shape)


def _text(kind: str, value: Any, shape: Shape) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        moment = parse_timestamp(value).astimezone(timezone.utc)
        if shape.serialization.get("timestampFormat") == "unixTimestamp":
            return str(int(moment.timestamp()))
        precision = "seconds" if moment.microsecond == 0 else "milliseconds"
        return moment.isoformat(timespec=precision).replace("+00:00", "Z")
    if kind == "blob":
        raw = value.encode() if isinstance(value, str) else bytes(value)
        return base64.b64encode(raw).decode("ascii")
    return str(value)
