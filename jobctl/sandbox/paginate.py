"""Paging, once for every operation: one page of a selection and the token for the next.

A handler turns a request into a ``Selection`` (every matching item with its sort key);
this cuts it into pages with keyset tokens bound to the request's service, operation,
region (or regional view) and scope.
"""

from __future__ import annotations

import bisect
from typing import Any

from jobctl.sandbox import tokens
from jobctl.sandbox.service import Errors, Selection, ServiceError


def invalid_token(errors: Errors) -> ServiceError:
    return ServiceError(errors.token, "The pagination token is invalid or has expired.")


def paginate(
    where: tuple[str, str, str],
    errors: Errors,
    selection: Selection,
    token_text: str | None,
    size: int,
    token_loop: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of a selection and the token for the next page (None on the last page).

    ``where`` is (service, operation, region or view): what a token may be replayed on."""
    scope = tokens.scope_digest(*where, selection.scope)
    if selection.limit is not None:
        size = min(size, selection.limit)
    entries = sorted(selection.entries, key=lambda entry: entry[0])
    keys = [key for key, _ in entries]
    start, page, token = 0, 1, None
    if token_text:
        token = tokens.decode(token_text)
        if token is None or token.scope != scope:
            raise invalid_token(errors)
        try:
            start = bisect.bisect_right(keys, token.after)
        except TypeError:  # a well-signed token whose key does not fit (another list)
            raise invalid_token(errors) from None
        page = token.page
    chunk = entries[start : start + size]
    last_key = chunk[-1][0] if chunk else (token.after if token else ())
    next_token = None
    if start + size < len(entries):
        next_token = tokens.encode(tokens.PageToken(scope, last_key, page + 1))
    if token_loop == "repeat" and token_text:
        next_token = token_text
    elif token_loop == "cycle" and token and token_text:
        # The page after A names A as its way back; that page then answers with A again.
        next_token = token.back or tokens.encode(
            tokens.PageToken(scope, last_key, page + 1, back=token_text)
        )
    return [item for _, item in chunk], next_token
