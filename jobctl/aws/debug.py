"""--debug: botocore's request log on stderr, with credentials, signatures and tokens
removed."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import TextIO

from jobctl.aws.clients import Clients
from jobctl.errors import redact_url

_SECRET_PATTERNS = [
    re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)[^'\",}\n]+"),
    re.compile(r"(?i)(x-amz-security-token['\"]?\s*[:=]\s*['\"]?)[^'\",}\n]+"),
    re.compile(r"(?i)(signature=)[0-9a-f]+"),
    # botocore.auth logs "Signature:" and the signature on the next line.
    re.compile(r"(?i)(signature:\s*)[0-9a-f]{64}"),
    re.compile(r"(?i)(credential=)[^,\s'\"]+"),
    re.compile(
        r"(?i)((?:aws_)?(?:secret_access_key|session_token|secret_key|token)['\"]?\s*[:=]\s*['\"]?)[^'\",}\s]+"
    ),
    re.compile(r"(?i)(X-Amz-Signature=|X-Amz-Credential=|X-Amz-Security-Token=)[^&\s'\"]+"),
]


class RedactingHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes botocore's debug log with credentials, signatures and tokens removed."""

    def __init__(self, stream: TextIO, secrets: Iterable[str] = ()) -> None:
        super().__init__(stream)
        self.secrets = list(secrets)

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return redact(text, self.secrets)


def redact(text: str, secrets: Iterable[str]) -> str:
    text = redact_url(text)
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(r"\1[REDACTED]", text)
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[REDACTED]")
    return text


def enable_debug_logging(stream: TextIO, clients: Clients) -> RedactingHandler:
    # The handler shares the live list, so credentials resolved later are redacted too.
    handler = RedactingHandler(stream)
    handler.secrets = clients.secret_values
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    for name in ("botocore", "boto3", "urllib3", "jobctl"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    return handler
