"""What the sandbox knows about each service, as data: names, keys, and its error codes.

The errors are the ones each real service answers with (from its model where it declares
them); they are what botocore turns into ``ClientError.response["Error"]["Code"]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

ACCOUNT_ID = "123456789012"
# Demo data is anchored in time, not to "now", so it is identical on every run.
DEMO_ANCHOR = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class ServiceSpec:
    name: str  # jobctl's service name; also the data file's key
    botocore_name: str
    list_operation: str
    id_member: str
    status_member: str
    created_member: str
    parent: tuple[str, ...]  # what names a job's parent, e.g. ("appId", "branchName")
    required: tuple[str, ...]  # members a job must be given (the rest get defaults)
    validation_error: str
    token_error: str
    not_found: tuple[str, int]  # an unknown parent
    throttle: tuple[str, int]
    server_error: tuple[str, int]
    meta_fields: tuple[str, ...] = ()  # job attributes the list API filters on but never returns


SERVICES: dict[str, ServiceSpec] = {
    spec.name: spec
    for spec in (
        ServiceSpec(
            "amplify",
            "amplify",
            "ListJobs",
            "jobId",
            "status",
            "startTime",
            parent=("appId", "branchName"),
            required=("jobId", "status", "startTime"),
            validation_error="BadRequestException",
            token_error="BadRequestException",
            not_found=("NotFoundException", 404),
            throttle=("LimitExceededException", 429),
            server_error=("InternalFailureException", 500),
        ),
        ServiceSpec(
            "amplify-backend",
            "amplifybackend",
            "ListBackendJobs",
            "JobId",
            "Status",
            "CreateTime",
            parent=("appId", "environmentName"),
            required=("JobId", "Status"),
            validation_error="BadRequestException",
            token_error="BadRequestException",
            not_found=("NotFoundException", 404),
            throttle=("TooManyRequestsException", 429),
            server_error=("GatewayTimeoutException", 504),
        ),
        ServiceSpec(
            "iot",
            "iot",
            "ListJobs",
            "jobId",
            "status",
            "createdAt",
            parent=(),
            required=("jobId", "status", "createdAt"),
            validation_error="InvalidRequestException",
            token_error="InvalidRequestException",
            not_found=("ResourceNotFoundException", 404),
            throttle=("ThrottlingException", 429),
            server_error=("ServiceUnavailableException", 503),
            meta_fields=("thingGroupName", "namespaceId"),
        ),
        ServiceSpec(
            "batch",
            "batch",
            "ListServiceJobs",
            "jobId",
            "status",
            "createdAt",
            parent=("jobQueue",),
            required=("jobId", "jobName", "status", "createdAt"),
            validation_error="ClientException",
            token_error="ClientException",
            not_found=("ClientException", 400),
            throttle=("TooManyRequestsException", 429),
            server_error=("ServerException", 500),
        ),
        ServiceSpec(
            "snowball",
            "snowball",
            "ListJobs",
            "JobId",
            "JobState",
            "CreationDate",
            parent=(),
            required=("JobId", "JobState"),
            validation_error="ValidationException",
            token_error="InvalidNextTokenException",
            not_found=("ValidationException", 400),
            # awsJson services send ThrottlingException as a 400; botocore still retries it.
            throttle=("ThrottlingException", 400),
            server_error=("InternalFailure", 500),
        ),
    )
}

# Errors that come from the AWS front door rather than the service, the same everywhere.
AUTH_ERRORS = {
    "expired-token": (
        "ExpiredTokenException",
        403,
        "The security token included in the request is expired",
    ),
    "access-denied": (
        "AccessDeniedException",
        403,
        "User: arn:aws:iam::{account}:user/sandbox is not authorized to perform: "
        "{action} on resource: arn:aws:{prefix}:{region}:{account}:*",
    ),
}


def service_spec(name: str) -> ServiceSpec:
    try:
        return SERVICES[name]
    except KeyError:
        raise ValueError(f"unknown service {name!r}; one of {', '.join(SERVICES)}") from None


def parent_key(spec: ServiceSpec, parent: Any) -> Any:
    """A parent as the store keys it: a tuple of strings, a queue name, or None."""
    if not spec.parent:
        if parent is not None:
            raise ValueError(f"{spec.name} jobs have no parent; got {parent!r}")
        return None
    if len(spec.parent) == 1:
        if not isinstance(parent, str) or not parent:
            raise ValueError(f"{spec.name} jobs need a parent {spec.parent[0]}, got {parent!r}")
        return queue_name(parent)
    if (
        not isinstance(parent, (tuple, list))
        or len(parent) != len(spec.parent)
        or not all(isinstance(p, str) and p for p in parent)
    ):
        raise ValueError(
            f"{spec.name} jobs need a parent ({', '.join(spec.parent)}), got {parent!r}"
        )
    return tuple(parent)


def queue_name(name_or_arn: str) -> str:
    """Batch accepts a queue's name or ARN (arn:aws:batch:REGION:ACCOUNT:job-queue/NAME)."""
    if name_or_arn.startswith("arn:") and ":job-queue/" in name_or_arn:
        return name_or_arn.rsplit(":job-queue/", 1)[1]
    return name_or_arn


def queue_arn(region: str, name: str) -> str:
    return f"arn:aws:batch:{region}:{ACCOUNT_ID}:job-queue/{name}"
