"""The one list of the AWS list APIs jobctl knows.

Each line names an API's module and the subcommand (the normalized `service`) it serves.
An API is `jobctl/services/<module>.py` (its `SPEC`) and `jobctl/sandbox/services/
<module>.py` (its `SANDBOX`: wire handler, demo data, data-file schema); nothing else in
jobctl names it. Several APIs may serve one subcommand: `jobctl batch` lists a queue with
ListServiceJobs or ListJobs, by the queue's type.

Pure data, importable by every layer: `jobctl --help` lists commands from it alone.
"""

from __future__ import annotations

# module → subcommand, in the order commands and `jobctl all` list them.
APIS: dict[str, str] = {
    "amplify": "amplify",
    "amplify_backend": "amplify-backend",
    "iot": "iot",
    "batch": "batch",  # ListServiceJobs: SAGEMAKER_TRAINING queues
    "batch_jobs": "batch",  # ListJobs: ECS, Fargate and EKS queues
    "snowball": "snowball",
}


def commands() -> list[str]:
    """The service subcommands, in registry order."""
    return list(dict.fromkeys(APIS.values()))


def modules_of(command: str) -> list[str]:
    """The API modules that serve one subcommand."""
    return [module for module, served in APIS.items() if served == command]
