"""Fixtures shared by every test: no test may reach AWS, or anything but 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

# jobctl's model cache goes to a temporary directory, not the user's home, from the
# start: test modules read enum values from botocore's models when they are collected.
_CACHE = tempfile.mkdtemp(prefix="jobctl-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE
# Every sandbox a test starts without a clock of its own (`--sandbox`, `jobctl sandbox` in
# a subprocess, `Sandbox()`) runs on the fixed clock of the golden outputs: its demo data
# is exactly the same on every run and no job moves. Tests of the live clock pass one.
os.environ["JOBCTL_SANDBOX_CLOCK"] = "2026-11-20T12:00:00Z"


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_CACHE, ignore_errors=True)


_AWS_VARIABLES = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_MAX_ATTEMPTS",
    "AWS_RETRY_MODE",
    "AWS_CA_BUNDLE",
)


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Fake credentials and a region; real profiles, config files and endpoints unset."""
    for name in _AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name in [n for n in os.environ if n.startswith("AWS_ENDPOINT_URL_")]:
        monkeypatch.delenv(name, raising=False)
    empty = tmp_path_factory.getbasetemp() / "aws-empty"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIATESTINGFAKE00001")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret-fake")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    # No instance-metadata lookups (they would try 169.254.169.254).
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # jobctl's model cache goes to a temporary directory, not the user's home.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))
