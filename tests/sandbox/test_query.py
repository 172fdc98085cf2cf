"""The query protocol, model-driven both ways: what botocore's own serializer sends is read
back into boto3's arguments, and what the sandbox answers botocore's own parser reads."""

from __future__ import annotations

from datetime import datetime, timezone

import botocore.parsers
import botocore.serialize
import botocore.session
import pytest
from botocore.awsrequest import AWSRequest

from jobctl.sandbox import protocols, query, wire


@pytest.fixture(scope="module")
def sts():
    return botocore.session.get_session().get_service_model("sts")


def _form(operation, params) -> dict[str, str]:
    """The form fields botocore puts on the wire for ``params`` (the encoded body, read)."""
    request = botocore.serialize.create_serializer("query").serialize_to_request(params, operation)
    prepared = AWSRequest("POST", "http://127.0.0.1/", data=request["body"]).prepare()
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    return query.form_fields(body)


def test_a_request_with_lists_structures_and_numbers_reads_back_as_boto3_arguments(sts):
    operation = sts.operation_model("AssumeRole")
    params = {
        "RoleArn": "arn:aws:iam::210987654321:role/OrganizationAccountAccessRole",
        "RoleSessionName": "jobctl@host.example",
        "PolicyArns": [
            {"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
            {"arn": "arn:aws:iam::aws:policy/AWSBatchFullAccess"},
        ],
        "Tags": [{"Key": "team", "Value": "a&b=c"}, {"Key": "cost", "Value": "42"}],
        "TransitiveTagKeys": ["team"],
        "DurationSeconds": 900,
        "ExternalId": "ext:id/1",
    }
    form = _form(operation, params)
    assert form["Action"] == "AssumeRole" and form["Version"] == "2011-06-15"
    assert "PolicyArns.member.2.arn" in form  # really the nested wire form
    assert query.from_form(form, operation.input_shape) == params


def test_an_empty_list_and_unknown_fields(sts):
    operation = sts.operation_model("AssumeRole")
    form = {"RoleArn": "arn:aws:iam::1:role/x", "RoleSessionName": "ab", "TransitiveTagKeys": "",
            "Bogus.member.1": "x"}  # fmt: skip
    assert query.from_form(form, operation.input_shape) == {
        "RoleArn": "arn:aws:iam::1:role/x",
        "RoleSessionName": "ab",
        "TransitiveTagKeys": [],
    }
    with pytest.raises(wire.WireError, match="DurationSeconds: expected an integer"):
        query.from_form({"DurationSeconds": "soon"}, operation.input_shape)


def test_a_response_is_what_botocore_parses(sts):
    operation = sts.operation_model("AssumeRole")
    expiration = datetime(2026, 11, 20, 13, 0, tzinfo=timezone.utc)
    output = {
        "Credentials": {
            "AccessKeyId": "ASIA210987654321ABCD",
            "SecretAccessKey": "s<e>c&ret",
            "SessionToken": "token",
            "Expiration": expiration,
        },
        "AssumedRoleUser": {"AssumedRoleId": "AROAX:s", "Arn": "arn:aws:sts::2:assumed-role/r/s"},
        "PackedPolicySize": 7,
    }
    body = query.response_body("AssumeRole", operation.output_shape, output, "urn:x", "req-1")
    assert b"<AssumeRoleResult>" in body and b"<Expiration>2026-11-20T13:00:00Z<" in body
    parsed = botocore.parsers.create_parser("query").parse(
        {"body": body, "headers": {}, "status_code": 200}, operation.output_shape
    )
    assert parsed["ResponseMetadata"]["RequestId"] == "req-1"
    del parsed["ResponseMetadata"]
    assert parsed == output


def test_an_error_is_what_botocore_parses():
    body = query.error_body("Throttling", "Rate exceeded", 400, "urn:x", "req-2")
    parsed = botocore.parsers.create_parser("query").parse(
        {"body": body, "headers": {}, "status_code": 400}, None
    )
    assert parsed["Error"] == {"Type": "Sender", "Code": "Throttling", "Message": "Rate exceeded"}
    assert parsed["ResponseMetadata"]["RequestId"] == "req-2"
    assert b"<Type>Receiver</Type>" in query.error_body("InternalFailure", "x", 500, "u", "r")


def test_front_door_errors_take_the_query_protocols_names():
    response = protocols.error_response(
        "query", None, "ExpiredTokenException", "expired", 403, front_door=True
    )
    assert response.error == "ExpiredToken" and b"<Code>ExpiredToken</Code>" in response.body
    assert response.headers["Content-Type"] == "text/xml"
    assert protocols.error_response("query", None, "UnrecognizedClientException", "x", 403).error \
        == "InvalidClientTokenId"  # fmt: skip


def test_the_router_finds_a_query_action_by_version_and_action(sts):
    router = protocols.Router([("sts", "sts", "AssumeRole"), ("sts", "sts", "GetCallerIdentity")])
    form_type = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}

    def post(body: bytes, headers=form_type, path="/"):
        return router.match(protocols.HttpRequest("POST", path, "", dict(headers), body))

    route = post(b"Action=GetCallerIdentity&Version=2011-06-15")
    assert route is not None and (route.operation, route.protocol) == ("GetCallerIdentity", "query")
    assert post(b"Action=GetCallerIdentity").operation == "GetCallerIdentity"  # no Version
    assert post(b"Action=GetCallerIdentity&Version=2099-01-01") is None  # another API version
    assert post(b"Action=DeleteEverything&Version=2011-06-15") is None
    assert post(b"Action=GetCallerIdentity", headers={}) is None  # not a form
    get = protocols.HttpRequest("GET", "/", "Action=GetCallerIdentity&Version=2011-06-15", {}, b"")
    assert router.match(get).operation == "GetCallerIdentity"


def test_validation_names_members_in_lower_camel_case_over_query(sts):
    shape = sts.operation_model("AssumeRole").input_shape
    params = {"RoleArn": "arn:aws:iam::123456789012:role/x", "RoleSessionName": "s",
              "DurationSeconds": 50000}  # fmt: skip
    assert wire.validate(params, shape, "query") == [
        "Value 's' at 'roleSessionName' failed to satisfy constraint: Member must have length "
        "greater than or equal to 2",
        "Value '50000' at 'durationSeconds' failed to satisfy constraint: Member must have "
        "value less than or equal to 43200",
    ]
    assert "at 'DurationSeconds'" in wire.validate(params, shape)[1]
