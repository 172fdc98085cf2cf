"""The HTTP server: one endpoint for every service, routed by method, path and headers.

``Sandbox.handle`` is the whole request pipeline without sockets (route, parse, faults,
validate, select, paginate, serialize); the request handler class only moves bytes, and
is where the connection-level faults (reset, slow page) happen.
"""

from __future__ import annotations

import contextlib
import gc
import re
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jobctl.sandbox import clock as clocks
from jobctl.sandbox import datafile, demo
from jobctl.sandbox import org as orgs
from jobctl.sandbox.catalog import SandboxData
from jobctl.sandbox.faults import Decision, Faults
from jobctl.sandbox.live import Movement, MovingJob
from jobctl.sandbox.records import DataError
from jobctl.sandbox.service import (
    ACCOUNT_ID,
    REGION_DISABLED,
    Account,
    Call,
    Caller,
    Operation,
    SandboxService,
    ServiceError,
    management_caller,
)

if TYPE_CHECKING:
    from jobctl.sandbox.protocols import HttpRequest, HttpResponse, Route

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([a-z0-9-]+)/")
_MAX_RECORDS = 10_000  # a long-running `jobctl sandbox` must not grow without bound
HTML_PAGE = (
    b"<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>"
    b"<p>The proxy received an invalid response from an upstream server.</p></body></html>"
)


class _Stopped(Exception):
    """The sandbox stopped while a request waited on a delay fault: answer nothing."""


@dataclass
class RequestRecord:
    """One request as the sandbox saw it; ``params`` are boto3's keyword arguments.
    ``account`` is the account it was served for (the caller's; for a role assumed in
    another account, that account), ``caller`` the ARN of who signed it."""

    method: str
    path: str
    query: str
    region: str
    service: str | None = None
    operation: str | None = None
    protocol: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    status: int | None = None
    error: str | None = None  # the error code answered, if any
    faults: list[str] = field(default_factory=list)
    time: float = field(default_factory=time.time)
    account: str = ACCOUNT_ID
    caller: str = ""


class Sandbox:
    """The embedded local AWS endpoint. Use as a context manager, or ``start``/``stop``."""

    def __init__(
        self,
        jobs_per_service: int = 300,
        data_file: str | Path | None = None,
        faults: Faults | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        region: str = "us-east-1",
        regions: tuple[str, ...] | None = None,
        on_request: Callable[[RequestRecord], None] | None = None,
        clock: clocks.ClockSpec = None,
        move_scale: float | None = None,
        disabled_regions: Iterable[str] = (),
        account_api_denied: bool = False,
        accounts: int | None = None,
        suspended: orgs.Selector = orgs.SUSPENDED_SHARE,
        without_role: orgs.Selector = orgs.WITHOUT_ROLE_SHARE,
        external_id_accounts: orgs.Selector = orgs.EXTERNAL_ID_SHARE,
        external_id: str = orgs.DEFAULT_EXTERNAL_ID,
        role_name: str = orgs.DEFAULT_ROLE,
        management_role: bool = False,
        credential_ttl: float | None = None,
    ) -> None:
        """``regions`` get demo data (default: ``region``, us-west-2, eu-west-1); other
        regions answer as empty accounts. With ``data_file`` there is no demo data.

        ``clock``: None reads ``JOBCTL_SANDBOX_CLOCK`` (an ISO 8601 time fixes the clock),
        else the clock is live; a datetime or ISO 8601 text fixes it; "live" ignores the
        variable; a callable returning the time is a live clock on that time. The demo
        data ends at the clock's start.

        On a live clock, with demo data, a few jobs of every API move through their
        statuses (``moving_jobs()``); ``move_scale`` multiplies their schedule (0.05 makes
        its minutes seconds; None reads ``JOBCTL_SANDBOX_MOVE_SCALE``, else 1).

        ``disabled_regions`` are regions the account has not enabled: requests signed for
        them get the UnrecognizedClientException AWS answers there, and the Account API's
        ListRegions reports them DISABLED. ``account_api_denied`` answers ListRegions with
        AccessDeniedException. Both are in ``sb.account``, which may change while serving;
        they hold for every account of the organization.

        ``accounts``: serve an organization of that many accounts (``sb.organization``):
        the management account (this sandbox's own, whose data is ``sb.data``) and
        ``accounts - 1`` generated members, each with demo data of its own, made for an
        account and region on the first request that reaches them (``account_data()``).
        ``suspended``, ``without_role`` and ``external_id_accounts`` select the members
        that are suspended, lack the role ``role_name`` or require ``external_id`` to
        assume it: a share (0.05), a count or account IDs. ``management_role`` gives the
        management account the role too. ``credential_ttl`` makes every credential
        AssumeRole issues expire after that many seconds. Without ``accounts`` the
        sandbox is one account in no organization."""
        if jobs_per_service < 0:
            raise ValueError("jobs_per_service must be >= 0")
        self.clock = clocks.resolve(clock)
        document = datafile.read(data_file) if data_file is not None else None
        listed = None
        if document is not None:
            try:
                listed = datafile.organization_accounts(document, self.clock.start)
            except DataError as exc:
                raise DataError(f"{data_file}: {exc}") from None
        if listed is not None:
            if accounts is not None:
                raise DataError(
                    f"{data_file}: the file lists the organization's accounts; "
                    "leave out accounts (--accounts)"
                )
            self.organization = orgs.Organization(
                tuple(listed), role_name=role_name, credential_ttl=credential_ttl
            )
        elif accounts is None:
            self.organization = orgs.Organization.single(
                self.clock.start, role_name=role_name, credential_ttl=credential_ttl
            )
        else:
            self.organization = orgs.Organization.generate(
                accounts,
                self.clock.start,
                suspended=suspended,
                without_role=without_role,
                external_id_accounts=external_id_accounts,
                external_id=external_id,
                management_role=management_role,
                role_name=role_name,
                credential_ttl=credential_ttl,
            )
        self.jobs_per_service = jobs_per_service
        self.account = Account(_regions(disabled_regions), bool(account_api_denied))
        self.region = region
        self.host, self.port = host, port
        self.faults = faults or Faults()
        self.data = SandboxData(region, anchor=self.clock.start)
        self.on_request = on_request
        # Every account's data; a member's is made on first use (account_data).
        self._stores: dict[str, SandboxData] = {ACCOUNT_ID: self.data}
        self._stores_lock = threading.Lock()
        wanted: tuple[str, ...] = ()
        self._demo_regions = wanted
        if document is not None:
            try:
                datafile.load_document(document, self.data, self.account_data)
            except DataError as exc:
                raise DataError(f"{data_file}: {exc}") from None
        else:
            wanted = regions or (region, *demo.DEMO_REGIONS)
            for name in dict.fromkeys(wanted):
                demo.populate(self.data, name, jobs_per_service)
        # The members' demo regions (none with a file): made on first use.
        self._demo_regions = tuple(dict.fromkeys(wanted))
        self._identify: Callable[[str, str | None, orgs.Organization], Caller] | None = next(
            (service.identify for service in self.data.catalog if service.identify), None
        )
        self.movement: Movement | None = None
        scale = clocks.move_scale(move_scale)
        # Jobs move in the default region's demo data (none with a file or no jobs).
        if not self.clock.fixed and region in wanted and jobs_per_service > 0:
            self.movement = Movement(self.data, self.clock, region, scale)
            self.data.ticker = self.movement.advance
            self.data.catch_up()
        # The job store is long-lived and large (hundreds of thousands of objects with
        # --jobs); without this, every request's allocations trigger full garbage
        # collections that walk all of it, which took most of a page request's time.
        gc.freeze()
        self._records: list[RequestRecord] = []
        self._records_lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._router: Any = None
        self._operations: dict[tuple[str, str], tuple[SandboxService, Operation]] = {}

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> Sandbox:
        if self._server is not None:
            raise RuntimeError("the sandbox is already running")
        from jobctl.sandbox.protocols import Router

        self._operations = {
            (service.name, op.name): (service, op)
            for service in self.data.catalog
            for op in service.operations
        }
        self._router = Router(
            [
                (service.name, service.botocore_name, op.name)
                for service, op in self._operations.values()
            ]
        )
        self._stopping.clear()
        self._server = _Server((self.host, self.port), _Handler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"jobctl-sandbox-{self._server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()  # wakes handlers sleeping on a latency or slow-page fault
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what tests and the CLI read -------------------------------------------------------

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not running; call start() or use `with`")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def requests(self) -> list[RequestRecord]:
        with self._records_lock:
            return list(self._records)

    def clear_requests(self) -> None:
        with self._records_lock:
            self._records.clear()

    def moving_jobs(self, service: str | None = None) -> list[MovingJob]:
        """The jobs that move while the sandbox runs (none on a fixed clock), with their
        schedules, of every API or one: those created by now, oldest wave first."""
        if self.movement is None:
            return []
        with self.data.lock:
            self.data.catch_up()
            return self.movement.jobs(service)

    def account_data(self, account_id: str) -> SandboxData:
        """One account's data (the management account's is ``sb.data``). A member's is
        made when first asked for, empty; each of its demo regions fills with demo data
        seeded by the account on its first read or write (a request, or this API)."""
        found = self._stores.get(account_id)
        if found is not None:
            return found
        if account_id not in self.organization:
            raise KeyError(f"no account {account_id} in the sandbox's organization")
        with self._stores_lock:
            found = self._stores.get(account_id)
            if found is None:
                found = SandboxData(self.region, anchor=self.clock.start, account_id=account_id)
                for region in self._demo_regions:
                    found.defer(region, self._filler(found))
                self._stores[account_id] = found
            return found

    def _filler(self, store: SandboxData) -> Callable[[str], None]:
        def fill(region: str) -> None:
            demo.populate(store, region, self.jobs_per_service)
            gc.freeze()  # long-lived, as the management account's (see __init__)

        return fill

    def generated_regions(self) -> list[tuple[str, str]]:
        """(account, region) pairs whose demo data has been made: the management
        account's at start, the members' as requests reached them, in that order."""
        with self._stores_lock:
            stores = list(self._stores.values())
        found = [(ACCOUNT_ID, region) for region in self._demo_regions]
        for store in stores[1:]:
            found += [(store.account_id, region) for region in store.filled_regions()]
        return found

    def parents(self, region: str | None = None) -> dict[str, list[Any]]:
        """Discovery: {"amplify": [(appId, branch)...], "amplify-backend": [(appId, env)...],
        "batch": [queue names], "iot-thing-groups": [names]}, busiest parents first."""
        return self.data.parents(region)

    # -- the pipeline ----------------------------------------------------------------------

    def handle(self, request: HttpRequest) -> tuple[HttpResponse, Decision | None]:
        """Answers one request; the decision says which connection-level faults apply."""
        from jobctl.sandbox import protocols

        found = _CREDENTIAL.search(request.headers.get("authorization", ""))
        record = RequestRecord(
            request.method, request.path, request.query, found.group(2) if found else self.region
        )
        caller = self._caller(found.group(1) if found else "", request)
        record.account, record.caller = caller.account, caller.arn
        with self._records_lock:
            self._records.append(record)
            del self._records[:-_MAX_RECORDS]
        route = self._router.match(request)
        if route is None:
            message = f"No operation is served at {request.method} {request.path}"
            response = protocols.error_response(
                protocols.guess_protocol(request), None, "UnknownOperationException", message, 404
            )
            return self._finish(record, response, None)
        record.service, record.operation, record.protocol = (
            route.service,
            route.operation,
            route.protocol,
        )
        service, _ = self._operations[(route.service, route.operation)]
        if caller.refusal is not None:
            # Credentials AWS's front door does not accept (expired, or not its own).
            code, status, message = caller.refusal
            response = protocols.error_response(
                route.protocol, service.botocore_name, code, message, status, front_door=True
            )
            return self._finish(record, response, None)
        if record.region in self.account.disabled_regions and not service.global_service:
            # AWS's request layer refuses a region the account has not enabled, before
            # the service (and its faults) could answer.
            code, status, message = REGION_DISABLED
            response = protocols.error_response(
                route.protocol, None, code, message, status, front_door=True
            )
            return self._finish(record, response, None)
        return self._answer(record, route, request, caller)

    def _caller(self, access_key: str, request: HttpRequest) -> Caller:
        """Who signed a request: the service issuing credentials knows its own keys;
        every other key is the management account's user."""
        if self._identify is None:
            return management_caller(access_key)
        token = request.headers.get("x-amz-security-token")
        return self._identify(access_key, token, self.organization)

    def _answer(
        self, record: RequestRecord, route: Route, request: HttpRequest, caller: Caller
    ) -> tuple[HttpResponse, Decision | None]:
        from jobctl.sandbox import models, protocols, tokens, wire

        service, op = self._operations[(route.service, route.operation)]
        pagination: Mapping[str, str] = (
            op.pagination or models.paginator_config(service.botocore_name, op.name) or {}
        )

        def error(code: str, message: str, status: int) -> HttpResponse:
            return protocols.error_response(
                route.protocol, service.botocore_name, code, message, status
            )

        try:
            record.params = protocols.parse_params(route, request)
        except wire.WireError as exc:
            return self._finish(record, error(service.errors.validation, str(exc), 400), None)
        if op.account_of is not None:
            record.account = op.account_of(record.params) or record.account
        token_text = record.params.get(pagination["input_token"]) if pagination else None
        page = tokens.page_number(token_text)
        decision = self.faults.decide(service.name, record.region, page, op.name, record.account)
        if decision:
            record.faults = decision.labels()
            # A sandbox stopping mid-delay drops the request rather than answer it late.
            if decision.delay and self._stopping.wait(decision.delay):
                raise _Stopped
            if decision.error:
                code, status, message = self._fault_error(decision.error, service, op.name, record)
                return self._finish(record, error(code, message, status), decision)
        # The caller's account's data (a key the sandbox issued names a known account).
        data = self.account_data(caller.account) if caller.account in self.organization else None
        data = data or self.data
        enabled: list[str] = []
        if service.view is not None:  # only a wider view needs to know every region
            disabled = self.account.disabled_regions
            enabled = [r for r in data.regions() if r not in disabled]
        view, regions = service.regions_of(record.region, enabled)
        call = Call(
            service,
            data,
            record.region,
            regions,
            record.params,
            self.account,
            caller,
            self.organization,
        )
        try:
            self._validate(service, op, record.params, pagination.get("limit_key"), route.protocol)
            if op.answer is not None:
                output = op.answer(call)
            else:
                assert op.select is not None, f"{service.name} {op.name} selects nothing"
                output = self._page(service, op, view, call, token_text, pagination, decision)
        except ServiceError as exc:
            return self._finish(record, error(exc.code, exc.message, exc.status), decision)
        if decision and decision.bad_body == "no-list":
            # A 200 without its result: the list (its token kept), or the whole answer.
            output = {k: v for k, v in output.items() if k != pagination.get("result_key")}
            if op.answer is not None:
                output = {}
        response = protocols.success_response(route, output)
        if decision and decision.bad_body == "html":
            response = protocols.HttpResponse(200, {"Content-Type": "text/html"}, HTML_PAGE)
        elif decision and decision.bad_body == "truncated":
            response.body = response.body[: len(response.body) // 2]
        return self._finish(record, response, decision)

    def _page(
        self,
        service: SandboxService,
        op: Operation,
        view: str,
        call: Call,
        token_text: str | None,
        pagination: Mapping[str, str],
        decision: Decision | None,
    ) -> dict[str, Any]:
        """One page of a listing, as the operation's output."""
        from jobctl.sandbox import paginate

        assert op.select is not None
        selection = op.select(call)
        size = call.params.get(pagination["limit_key"]) or op.default_page_size
        loop = decision.token_loop if decision else None
        items, next_token = paginate.paginate(
            (service.name, op.name, view), service.errors, selection, token_text, size, loop
        )
        output: dict[str, Any] = {pagination["result_key"]: items}
        if next_token:
            output[pagination["output_token"]] = next_token
        return output

    def _validate(
        self,
        service: SandboxService,
        op: Operation,
        params: dict[str, Any],
        limit_key: str | None,
        protocol: str,
    ) -> None:
        from jobctl.sandbox import models, wire

        shape = models.operation_model(service.botocore_name, op.name).input_shape
        problems = wire.validate(params, shape, protocol) if shape is not None else []
        size = params.get(limit_key) if limit_key else None
        if (
            op.page_limits
            and size is not None
            and not op.page_limits[0] <= size <= op.page_limits[1]
        ):
            low, high = op.page_limits
            problems.append(f"{limit_key} must be between {low} and {high}, got {size}")
        if problems:
            count = f"{len(problems)} validation error{'s' if len(problems) > 1 else ''}"
            raise ServiceError(
                service.errors.validation, f"{count} detected: {'; '.join(problems)}"
            )

    def _fault_error(
        self, kind: str, service: SandboxService, operation: str, record: RequestRecord
    ) -> tuple[str, int, str]:
        from jobctl.sandbox.paginate import invalid_token
        from jobctl.sandbox.service import AUTH_ERRORS

        if kind in AUTH_ERRORS:
            code, status, template = AUTH_ERRORS[kind]
            prefix = service.botocore_name
            message = template.format(
                caller=record.caller,
                account=record.account,
                action=f"{prefix}:{operation}",
                prefix=prefix,
                region=record.region,
            )
            return code, status, message
        if kind == "throttle":
            return (*service.errors.throttle, "Rate exceeded")
        if kind == "invalid-token":
            invalid = invalid_token(service.errors)
            return invalid.code, invalid.status, invalid.message
        return (*service.errors.server_error, "We encountered an internal error. Please try again.")

    def _finish(
        self, record: RequestRecord, response: HttpResponse, decision: Decision | None
    ) -> tuple[HttpResponse, Decision | None]:
        record.status = response.status
        if response.status >= 300:
            header = response.headers.get("x-amzn-ErrorType", "").split(":")[0]
            record.error = response.error or header or _error_code(response) or "Unknown"
        if self.on_request is not None:
            self.on_request(record)
        return response, decision


def _regions(names: Iterable[str]) -> frozenset[str]:
    """Region names, checked: a typo would silently disable nothing."""
    from jobctl.sandbox.datafile import REGION_PATTERN

    found = frozenset(names if not isinstance(names, str) else names.split(","))
    bad = sorted(name for name in found if not REGION_PATTERN.fullmatch(name))
    if bad:
        raise ValueError(f"disabled_regions: {', '.join(map(repr, bad))} is not a region name")
    return found


def _error_code(response: HttpResponse) -> str | None:
    """The error code inside a json/cbor error body (rest-json's is in a header)."""
    try:
        if response.headers.get("Content-Type") == "application/cbor":
            import cbor2

            body = cbor2.loads(response.body)
        else:
            import json

            body = json.loads(response.body)
        return str(body.get("__type", "")).rsplit("#", 1)[-1] or None
    except Exception:  # the log must never fail a request
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a stuck client must never keep the process alive
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, handler)

    def close_connections(self) -> None:
        """Ends idle keep-alive connections, so a stopped sandbox really stops answering."""
        with self.connections_lock:
            for conn in self.connections:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as botocore's connection pool expects
    server_version = "jobctl-sandbox"
    timeout = 60  # idle keep-alive connections are dropped after this
    # Headers and body leave in one write with Nagle off: two small writes would wait out
    # the client's delayed ACK (~40 ms a request).
    wbufsize = -1
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def handle(self) -> None:
        # The client may go away (read timeout, reset): there is nothing left to answer.
        with contextlib.suppress(OSError):
            super().handle()

    def _serve(self) -> None:
        from jobctl.sandbox.protocols import HttpRequest

        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            response, decision = self.server.sandbox.handle(
                HttpRequest(self.command, path, query, headers, body)
            )
        except _Stopped:
            self.close_connection = True
            return
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        if "x-amzn-RequestId" not in response.headers:
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if decision is not None and decision.reset:
            self._reset_midway(response.body)
        else:
            self.wfile.write(response.body)

    def _reset_midway(self, body: bytes) -> None:
        """Half the promised body, then a TCP RST (SO_LINGER 0) instead of a clean close."""
        self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass  # requests are logged as RequestRecords, not as stderr noise
