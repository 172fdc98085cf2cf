"""An Organization's accounts, listed a batch at a time.

With --accounts a listing could span thousands of accounts. Preparing every account
(its role, its enabled regions), discovering every parent and making every stream before
the first job is written would hold the first row back for minutes, keep every
account's streams in memory at once, and outgrow the caches of sessions and clients (so
roles would be assumed again and again). Instead the accounts are taken
ACCOUNTS_PER_BATCH at a time: a batch is prepared and discovered (concurrently, within
--concurrency), its streams are listed, then the next batch is made. Memory then depends
on the batch, not on the number of accounts.

A resume token stays exact: the streams made so far keep their positions, and the
accounts of batches not made yet are listed afresh (one bit each), or, on a resumed
listing, keep the positions the token held for them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from jobctl.aws.clients import Clients, Target
from jobctl.listing import accounts
from jobctl.listing.pages import Stream
from jobctl.listing.plan import Built, TargetFailure, apply_resume, build_streams
from jobctl.listing.tokens import Position, Resume, StreamKey
from jobctl.services.spec import Part
from jobctl.settings import Settings

# Accounts prepared and listed together: enough to keep --concurrency busy (an account
# has a stream per API, region and parent), few enough that their sessions and clients
# stay in the bounded caches of aws/clients.py while they are listed.
ACCOUNTS_PER_BATCH = 16


class Batches:
    """The streams of an Organization's accounts, a batch at a time (a Feeder of
    listing/pages.py). `on_built` reports what making a batch found (failed accounts
    and targets, skipped regions) with the warnings of its resume positions."""

    def __init__(
        self,
        parts: Sequence[Part],
        settings: Settings,
        base: Target,
        clients: Clients,
        started: float,
        who: accounts.Who,
        resume: Resume | None,
        on_built: Callable[[Built, list[str]], None],
        size: int = ACCOUNTS_PER_BATCH,
    ) -> None:
        self._parts = list(parts)
        self._settings = settings
        self._base = base
        self._clients = clients
        self._started = started
        self._who = who
        self._resume = resume
        self._on_built = on_built
        self._size = size
        if resume is not None:
            self._left, self.redo = accounts.left_to_list(who, resume)
        else:
            self._left, self.redo = list(who.identities), set()
        # Every discovery failure of the batches made so far (the listing's exit status
        # and resume token read it at the end).
        self.failures: list[TargetFailure] = []

    @property
    def exhausted(self) -> bool:
        return not self._left

    def next(self) -> list[Stream] | None:
        """The streams of the next batch that has any; None when no account is left."""
        while self._left:
            batch = self._left[: self._size]
            built = build_streams(
                self._parts,
                self._settings,
                self._base,
                self._clients,
                self._started,
                who=self._who,
                only=batch,
            )
            # Only once it is made: a signal while it was made leaves it unreached.
            self._left = self._left[self._size :]
            warnings: list[str] = []
            if self._resume is not None:
                ids = {identity.target.account for identity in batch}
                mine = replace(
                    self._resume,
                    positions=[p for p in self._resume.positions if _account(p) in ids],
                )
                warnings = apply_resume(built.streams, mine, built.failures, self.redo)
            self.failures.extend(built.failures)
            self._on_built(built, warnings)
            if built.streams:
                return built.streams
        return None

    def unreached(self) -> tuple[list[Position], set[str]]:
        """For a resume token: the positions a resumed listing's token held for the
        accounts not reached yet, and the accounts to list afresh."""
        carried: list[Position] = []
        fresh: set[str] = set()
        for identity in self._left:
            account = identity.target.account or ""
            held = []
            if self._resume is not None and account not in self.redo:
                held = [p for p in self._resume.positions if _account(p) == account]
            if held:
                carried += held
            else:
                fresh.add(account)
        return carried, fresh


def _account(position: Position) -> str | None:
    return accounts.account_of_key(StreamKey.parse(position.key).target)
