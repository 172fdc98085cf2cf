"""Real boto3 clients pointed at a sandbox, and small helpers to read what they return."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config

from jobctl.sandbox import Sandbox

SERVICES = ["amplify", "amplify-backend", "iot", "batch", "batch-jobs", "snowball"]


def make_client(
    sandbox: Sandbox,
    service: str,
    *,
    region: str = "us-east-1",
    protocol: str | None = None,
    credentials: dict[str, Any] | None = None,
    **config: Any,
) -> Any:
    """A boto3 client for the sandbox; ``protocol`` forces one of the model's protocols,
    ``credentials`` (an AssumeRole answer's Credentials) sign as that role session."""
    keys = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    if credentials is not None:
        keys = {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        }
    boto = boto3.Session(
        botocore_session=_session(service if protocol else None, protocol),
        region_name=region,
        **keys,
    )
    config.setdefault("retries", {"mode": "standard", "total_max_attempts": 3})
    config.setdefault("connect_timeout", 5)
    config.setdefault("read_timeout", 10)
    return boto.client(service, endpoint_url=sandbox.endpoint_url, config=Config(**config))


@cache
def _session(service: str | None, protocol: str | None) -> Any:
    """One botocore session per forced protocol: sessions re-read models, which is slow."""
    session = botocore.session.get_session()
    if service and protocol:
        _force_protocol(session, service, protocol)
    return session


def _force_protocol(session: Any, service: str, protocol: str) -> None:
    """Makes botocore pick ``protocol`` by leaving it the only one the model lists.

    boto3's client creator reads models straight from the loader (no event fires), so the
    loader is what gets wrapped; the deep copy keeps the loader's cache untouched.
    """
    loader = session.get_component("data_loader")
    original = loader.load_service_model

    def load(name: str, type_name: str, api_version: str | None = None) -> Any:
        data = original(name, type_name, api_version)
        if name == service and type_name == "service-2":
            data = copy.deepcopy(data)
            data["metadata"]["protocols"] = [protocol]
        return data

    loader.load_service_model = load


def assume(
    sandbox: Sandbox,
    account: str,
    role: str = "OrganizationAccountAccessRole",
    **kwargs: Any,
) -> dict[str, Any]:
    """Credentials for the organization's role in ``account``, as the management account
    gets them (AssumeRole's Credentials)."""
    sts = make_client(sandbox, "sts")
    arn = f"arn:aws:iam::{account}:role/{role}"
    answer = sts.assume_role(RoleArn=arn, RoleSessionName="jobctl-test", **kwargs)
    return answer["Credentials"]


def walk(client: Any, operation: str, result_key: str, **kwargs: Any) -> list[dict[str, Any]]:
    """Every item a plain boto3 paginator yields."""
    paginator = client.get_paginator(operation)
    return [item for page in paginator.paginate(**kwargs) for item in page.get(result_key, [])]


def error_code(excinfo: pytest.ExceptionInfo[Any]) -> str:
    return excinfo.value.response["Error"]["Code"]


def http_status(excinfo: pytest.ExceptionInfo[Any]) -> int:
    return excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def listing(sb: Sandbox, service: str, region: str | None = None) -> dict[str, Any]:
    """How to list the busiest parent's jobs of ``service`` with boto3 (every status).

    Returns the client name, operation, result/ID/token/limit keys, the call's kwargs and
    the jobs the store holds for that listing.
    """
    parents = sb.parents(region)
    cases = {
        "amplify": ("amplify", "list_jobs", "jobSummaries", "jobId", "nextToken", "maxResults"),
        "amplify-backend": (
            "amplifybackend",
            "list_backend_jobs",
            "Jobs",
            "JobId",
            "NextToken",
            "MaxResults",
        ),
        "iot": ("iot", "list_jobs", "jobs", "jobId", "nextToken", "maxResults"),
        "batch": (
            "batch",
            "list_service_jobs",
            "jobSummaryList",
            "jobId",
            "nextToken",
            "maxResults",
        ),
        "batch-jobs": ("batch", "list_jobs", "jobSummaryList", "jobId", "nextToken", "maxResults"),
        "snowball": ("snowball", "list_jobs", "JobListEntries", "JobId", "NextToken", "MaxResults"),
    }
    client, operation, result, id_key, token, limit = cases[service]
    kwargs: dict[str, Any] = {}
    parent = None
    if service == "amplify":
        parent = parents["amplify"][0]
        kwargs = {"appId": parent[0], "branchName": parent[1]}
    elif service == "amplify-backend":
        parent = parents["amplify-backend"][0]
        kwargs = {"AppId": parent[0], "BackendEnvironmentName": parent[1]}
    elif service in ("batch", "batch-jobs"):
        parent = parents[service][0]
        kwargs = {"jobQueue": parent, "filters": [{"name": "JOB_NAME", "values": ["*"]}]}
    # What the listing returns: the region's jobs, or its view's (Snowball's US regions).
    expected = [
        job
        for listed in sb.data.listed_regions(service, region)
        for job in sb.data.jobs(service, region=listed, parent=parent)
    ]
    return {
        "client": client,
        "operation": operation,
        "result": result,
        "id": id_key,
        "token": token,
        "limit": limit,
        "kwargs": kwargs,
        "expected": expected,
    }


def list_case(
    sb: Sandbox, case: dict[str, Any], page_size: int | None = None, **client_kw: Any
) -> list[dict[str, Any]]:
    """Walks a ``listing`` case with a plain paginator."""
    client = make_client(sb, case["client"], **client_kw)
    paging = {"PaginationConfig": {"PageSize": page_size}} if page_size else {}
    return walk(client, case["operation"], case["result"], **case["kwargs"], **paging)
