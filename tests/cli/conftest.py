"""CLI fixtures: `aws` patches jobctl's client factory with the harness's FakeAWS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cli_harness import FakeAWS
from sandbox_harness import shared_model_loader

from jobctl.aws.clients import Clients

__all__ = ["shared_model_loader"]  # the fixture, for the CLI tests below


@pytest.fixture(scope="module", autouse=True)
def _one_model_loader(request: pytest.FixtureRequest) -> None:
    """Every CLI test shares botocore's data loader: each jobctl run makes a new boto3
    session, and re-reading the service models would make each run ~5x slower."""
    request.getfixturevalue("shared_model_loader")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAWS]:
    fake = FakeAWS()
    original = Clients.client

    def client(self: Clients, name: str, target: Any) -> Any:
        return fake.make(original, self, name, target)

    monkeypatch.setattr(Clients, "client", client)
    # No retries and no waiting: a stubbed error is final.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    yield fake
    fake.verify()
