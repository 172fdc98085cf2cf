"""Paginated list calls read page by page, each page checked where it is read.

A 200 response that lacks its result list — a proxy's HTML page, a truncated body, an
object without the list — is a failed request, never an empty page: it is retried like a
5xx (the same attempt budget as botocore's standard retry mode, with exponential backoff
and jitter), from the page that failed, then raised as a ServiceError. Discovery (apps,
branches, queues) and listing read their pages here alike, so a broken page can neither
pass as "no parents" nor as "no more jobs".
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping
from typing import Any

from jobctl import model
from jobctl.aws.clients import max_attempts
from jobctl.errors import ServiceError

# botocore's standard mode: base 1 s doubled per attempt with full jitter, at most 20 s.
_BACKOFF_BASE = 1.0
_BACKOFF_MAX = 20.0


def _backoff(attempt: int) -> float:
    return random.random() * min(_BACKOFF_MAX, _BACKOFF_BASE * 2 ** (attempt - 1))


def pages(
    client: Any,
    method: str,
    params: Mapping[str, Any],
    *,
    where: str,
    token: str | None = None,
    page_size: int | None = None,
    config: Mapping[str, str] | None = None,
) -> Iterator[tuple[list[Any], str | None]]:
    """The pages of one paginated call: (items, the service token of the next page).

    `method` is boto3's name (list_jobs); `where` starts every error message ("batch");
    `token` resumes at a page a previous call returned; `config` (input_token,
    output_token, limit_key, result_key) is botocore's paginator's unless given (for an
    operation botocore has no paginator for). Each request is the one botocore's
    paginator would send.
    """
    if config is None:
        operation = client.meta.method_to_api_mapping[method]
        config = model.paginator_config(client.meta.service_model.service_name, operation)
    call = getattr(client, method)
    result_key, output_token = config["result_key"], config["output_token"]
    seen_tokens: set[str] = set()
    current = token
    failures = 0
    while True:
        request = dict(params)
        if page_size:
            request[config["limit_key"]] = page_size
        if current:
            request[config["input_token"]] = current
        page = call(**request)
        items = page.get(result_key)
        if not isinstance(items, list):
            failures += 1
            if failures >= max_attempts():
                raise ServiceError(
                    f"{where}: the service's response has no {result_key} list "
                    f"(malformed or truncated response, after {failures} attempt"
                    f"{'s' if failures > 1 else ''})"
                )
            time.sleep(_backoff(failures))
            continue  # the same request again
        failures = 0
        next_token = page.get(output_token)
        if next_token is not None and not isinstance(next_token, str):
            raise ServiceError(f"{where}: the service sent a malformed pagination token")
        if next_token:
            if next_token in seen_tokens or next_token == token:
                raise ServiceError(
                    f"{where}: the service returned a pagination token it had already "
                    "returned; stopped to avoid an endless loop"
                )
            seen_tokens.add(next_token)
        yield items, next_token or None
        if not next_token:
            return
        current = next_token
