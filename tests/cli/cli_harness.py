"""The CLI test harness: run `jobctl` in-process with click's CliRunner, its AWS clients
real boto3 clients whose responses come from botocore's Stubber (or a small simulated
service).

The paginator, the parameter validation and the response validation are botocore's own:
only the HTTP exchange is replaced.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber
from click.testing import CliRunner, Result

from jobctl.aws.clients import Clients
from jobctl.cli import cli

HINT = re.compile(r"^jobctl: resume with --starting-token (\S+)$")

Handler = Callable[[str, dict[str, Any]], dict[str, Any]]


@dataclass
class Run:
    """One CLI invocation: its exit status, stdout and stderr."""

    status: int
    out: str
    err: str
    result: Result

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()

    @property
    def token(self) -> str:
        """The token of the resume hint, which must be stderr's last line."""
        assert self.err_lines, "nothing on stderr"
        match = HINT.match(self.err_lines[-1])
        assert match, f"last stderr line is not a resume hint: {self.err_lines[-1]!r}"
        return match.group(1)


def invoke(*args: str, env: dict[str, str] | None = None) -> Run:
    result = CliRunner().invoke(cli, list(args), env=env, prog_name="jobctl")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"jobctl raised {result.exception!r}") from result.exception
    return Run(result.exit_code, result.stdout, result.stderr, result)


@dataclass
class FakeAWS:
    """Plans the responses of the next clients jobctl makes, and records their requests."""

    planned: dict[str, list[Callable[[Stubber], None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    simulated: dict[str, Handler] = field(default_factory=dict)
    stubbers: list[Stubber] = field(default_factory=list)
    clients_made: list[str] = field(default_factory=list)
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    queue_types: bool = True  # answer `jobctl batch`'s DescribeJobQueues before the plan

    # -- planning ----------------------------------------------------------------------

    def page(
        self, client: str, method: str, response: dict[str, Any], expected: dict[str, Any]
    ) -> None:
        """The next response to `method`; the request must carry exactly `expected`."""
        self.planned[client].append(lambda s: s.add_response(method, response, expected))

    def error(
        self,
        client: str,
        method: str,
        code: str,
        message: str = "",
        status: int = 400,
        expected: dict[str, Any] | None = None,
        attempts: int | None = None,
    ) -> None:
        meta = {"RetryAttempts": attempts} if attempts is not None else None
        self.planned[client].append(
            lambda s: s.add_client_error(
                method,
                service_error_code=code,
                service_message=message,
                http_status_code=status,
                expected_params=expected,
                response_meta=meta,
            )
        )

    def simulate(self, client: str, handler: Handler) -> None:
        """Answer every call of `client` with handler(operation, params)."""
        self.simulated[client] = handler

    # -- checking --------------------------------------------------------------------------

    def verify(self) -> None:
        """Every planned response was asked for."""
        for stubber in self.stubbers:
            stubber.assert_no_pending_responses()
        leftover = {name: len(plans) for name, plans in self.planned.items() if plans}
        assert not leftover, f"no client was made for planned responses: {leftover}"

    def reset(self) -> None:
        self.verify()
        self.stubbers.clear()
        self.clients_made.clear()
        self.requests.clear()

    # -- the patched factory -----------------------------------------------------------------

    def make(self, original: Callable[..., Any], clients: Clients, name: str, target: Any) -> Any:
        client = original(clients, name, target)

        def record(params: dict[str, Any], model: Any, **_: Any) -> None:
            with self.lock:
                self.requests.append((model.name, dict(params)))

        client.meta.events.register("before-parameter-build.*.*", record)
        with self.lock:
            self.clients_made.append(name)
            if name in self.simulated:
                handler = self.simulated[name]
                if name == "batch" and self.queue_types:
                    handler = _with_queue_types(handler)
                _simulate(client, handler)
                return client
            stubber = Stubber(client)
            plans = self.planned.pop(name, [])
            if name == "batch" and plans and self.queue_types:
                # `jobctl batch` asks the queue's type first (DescribeJobQueues, once per
                # client): these tests' queue is a SageMaker training queue.
                stubber.add_response("describe_job_queues", _QUEUES, None)
            for plan in plans:
                plan(stubber)
            stubber.activate()
            self.stubbers.append(stubber)
        return client


# The SageMaker training queues these tests name ("q", and "training" of cli_cases.py):
# jobctl finds each queue it is given among those DescribeJobQueues answers.
_QUEUES = {
    "jobQueues": [
        {
            "jobQueueName": name,
            "jobQueueArn": f"arn:aws:batch:us-east-1:123456789012:job-queue/{name}",
            "state": "ENABLED",
            "priority": 1,
            "computeEnvironmentOrder": [],
            "jobQueueType": "SAGEMAKER_TRAINING",
        }
        for name in ("q", "training")
    ]
}


def _with_queue_types(handler: Handler) -> Handler:
    """A simulated Batch that also answers DescribeJobQueues: every queue named is a
    SageMaker training queue (listed with ListServiceJobs)."""

    def answer(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        if operation != "DescribeJobQueues":
            return handler(operation, params)
        queue = _QUEUES["jobQueues"][0]
        named = params.get("jobQueues")
        if not named:
            return {"jobQueues": [dict(q) for q in _QUEUES["jobQueues"]]}
        return {"jobQueues": [{**queue, "jobQueueName": n.rsplit("/", 1)[-1]} for n in named]}

    return answer


def _simulate(client: Any, handler: Handler) -> None:
    """A service in a function: params in, parsed response out (validated by botocore)."""
    local = threading.local()

    def keep_params(params: dict[str, Any], **_: Any) -> None:
        local.params = dict(params)

    def answer(model: Any, **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        response = handler(model.name, local.params)
        response.setdefault("ResponseMetadata", {"HTTPStatusCode": 200, "RetryAttempts": 0})
        return AWSResponse("http://simulated", 200, {}, None), response

    client.meta.events.register("before-parameter-build.*.*", keep_params)
    client.meta.events.register_first("before-call.*.*", answer)
