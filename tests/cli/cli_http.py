"""A small IoT ListJobs server over real HTTP, for tests of the installed command: offset
tokens that advance (unlike moto's), a request log, and an optional pause per page."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse


class PagedIoT(http.server.BaseHTTPRequestHandler):
    total: ClassVar[int] = 0
    pause: ClassVar[float] = 0.0  # seconds before answering any page but the first
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        query = parse_qs(urlparse(self.path).query)
        type(self).requests.append(self.path)
        start = int(query.get("nextToken", ["0"])[0])
        if start and self.pause:
            time.sleep(self.pause)
        end = min(start + int(query["maxResults"][0]), self.total)
        body: dict[str, Any] = {
            "jobs": [
                {
                    "jobArn": f"arn:aws:iot:us-east-1:123456789012:job/ota-{i:05d}",
                    "jobId": f"ota-{i:05d}",
                    "status": "COMPLETED",
                    "createdAt": 1714557600 + i,
                }
                for i in range(start, end)
            ]
        }
        if end < self.total:
            body["nextToken"] = str(end)
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        with suppress(BrokenPipeError, ConnectionResetError):  # the client went away
            self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def paged_iot(total: int, pause: float = 0.0) -> Iterator[tuple[str, type[PagedIoT]]]:
    """(endpoint URL, handler class whose `requests` lists the paths asked)."""
    handler = type("Paged", (PagedIoT,), {"total": total, "pause": pause, "requests": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()
