"""AWS Batch jobs on ECS, Fargate and EKS queues in the sandbox: ListJobs (not served yet)."""

from __future__ import annotations

from jobctl.sandbox.service import SandboxService
from jobctl.sandbox.services.batch import ERRORS

SANDBOX = SandboxService(
    name="batch-jobs",
    botocore_name="batch",
    list_operation="ListJobs",
    id_member="jobId",
    status_member="status",
    created_member="createdAt",
    errors=ERRORS,
    operations=(),
)
