"""Regions `--region all` skips because the account has not enabled them.

When the Account API told which regions are enabled, the others are never asked
(`plan.build_streams`). When it could not be asked, every region is tried, and a region
that answers the documented not-enabled error (`aws.regions.is_not_enabled`) while other
regions answer the same credentials is skipped, not failed: its streams are finished,
left out of the resume token and of the exit status, and one note names the skipped
regions. If every region answers so, the credentials are what is wrong, and the failures
are reported as they are.
"""

from __future__ import annotations

from collections.abc import Sequence

from jobctl.aws.clients import Target
from jobctl.aws.regions import is_not_enabled
from jobctl.listing.pages import Listing, StreamFailed
from jobctl.listing.plan import TargetFailure


def note(regions: Sequence[str]) -> str:
    return (
        f"jobctl: note: --region all: skipped {len(regions)} region"
        f"{'s' if len(regions) != 1 else ''} this account has not enabled: "
        f"{', '.join(regions)} (enable a region in the account's settings to list it)"
    )


class NotEnabled:
    """Failures that may only mean "a region this account has not enabled"."""

    def __init__(self) -> None:
        self.streams: list[StreamFailed] = []
        self.targets: list[TargetFailure] = []

    def hold(self, failure: StreamFailed) -> bool:
        """Keep a stream's failure until the listing ends, when it is read as a skipped
        region or reported; False: report it now."""
        if failure.stream.region_optional and is_not_enabled(failure.cause):
            self.streams.append(failure)
            return True
        return False

    def hold_targets(self, failures: Sequence[TargetFailure]) -> list[TargetFailure]:
        """The discovery failures to report now; the others wait like streams' do."""
        now = []
        for failure in failures:
            if failure.region_optional and is_not_enabled(failure.cause):
                self.targets.append(failure)
            else:
                now.append(failure)
        return now

    def resolve(
        self, listing: Listing
    ) -> tuple[list[str], list[StreamFailed], list[TargetFailure]]:
        """(regions skipped, stream failures to report, discovery failures to report).

        Skipped streams are finished and their failures taken off the listing's."""
        answered = {
            (stream.target.profile, stream.target.account, stream.target.region)
            for stream in listing.streams
            if stream.done or stream.token is not None
        } | listing.answered
        identities_answered = {(profile, account) for profile, account, _ in answered}

        def skipped(where: Target) -> bool:
            identity = (where.profile, where.account)
            return identity in identities_answered and (*identity, where.region) not in answered

        regions: set[str] = set()
        report_streams: list[StreamFailed] = []
        for failure in self.streams:
            target = failure.stream.target
            if skipped(target):
                regions.add(str(target.region))
                failure.stream.done = True
                listing.failures.remove(failure)
            else:
                report_streams.append(failure)
        report_targets: list[TargetFailure] = []
        for target_failure in self.targets:
            where = target_failure.target
            if where is not None and skipped(where):
                regions.add(str(where.region))
            else:
                report_targets.append(target_failure)
        return sorted(regions), report_streams, report_targets
