"""CLI fixtures: `aws` patches jobctl's client factory with the harness's FakeAWS."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cli_harness import FakeAWS

from jobctl.aws import Clients


@pytest.fixture(scope="module", autouse=True)
def shared_model_loader() -> Iterator[None]:
    """One botocore data loader for every session the tests make: each jobctl run makes a
    new boto3 session, and re-reading the service models would make each run ~5x slower.
    The loader only reads botocore's model files, so sharing it changes nothing else."""
    import botocore.loaders
    import botocore.session

    loaders: dict[Any, Any] = {}

    def create_loader(search_path_string: Any = None) -> Any:
        if search_path_string not in loaders:
            loaders[search_path_string] = botocore.loaders.create_loader(search_path_string)
        return loaders[search_path_string]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.session, "create_loader", create_loader)
        yield


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
