"""Which of a client's requests the provider counts against its rate limit.

API calls (submits and status polls) always count. A clip download counts only where the
provider meters it, and that is decided by where the clip lives and by what the provider says:

- a clip on another host than the API is not metered: the real API hands out clip URLs on its
  media host (``vidgen.x.ai``), outside the API's rate limit, so waiting for a token there only
  slows the run down;
- a clip on the API's own host (the simulator, a proxy) is metered until the provider shows
  otherwise. A provider that reports its allowance in rate-limit headers on its API answers and
  answers a download *without* them is saying the download was not counted (the simulator does
  exactly that). One metered download is enough to learn it; a 429 on a download puts downloads
  back under the limiter for good (a refusal outweighs any missing header).

``ClientConfig.meter_downloads`` overrides the rule either way.
"""

from __future__ import annotations

from collections.abc import Mapping

from promptkit.client.transport import same_origin

LIMIT_HEADERS = ("x-ratelimit-limit-requests", "x-ratelimit-remaining-requests")
"""Headers of a metered answer (OpenAI's names, which the simulator uses too)."""


def reports_allowance(headers: Mapping[str, str]) -> bool:
    """True when an answer carries the provider's rate-limit headers."""
    return any(name in headers for name in LIMIT_HEADERS)


class Metering:
    """Decides per request whether it waits for the client's rate limiter."""

    def __init__(self, base_url: str, meter_downloads: bool | None = None) -> None:
        self.base_url = base_url
        self.forced = meter_downloads
        self.api_reports = False
        """The API's answers carry rate-limit headers (so their absence means something)."""
        self.local_downloads_metered = True
        """Downloads from the API host count, as far as the provider has said."""
        self._refused = False

    def meters_download(self, url: str) -> bool:
        """Whether a download of ``url`` must take a token from the rate limiter."""
        if self.forced is not None:
            return self.forced
        return same_origin(url, self.base_url) and self.local_downloads_metered

    def saw_api_answer(self, headers: Mapping[str, str]) -> None:
        if not self.api_reports and reports_allowance(headers):
            self.api_reports = True

    def saw_download(self, url: str, headers: Mapping[str, str]) -> None:
        """Learn from a download's answer whether the provider counted it."""
        if self._refused or not self.api_reports or reports_allowance(headers):
            return
        if same_origin(url, self.base_url):
            self.local_downloads_metered = False

    def saw_refusal(self, url: str) -> None:
        """A download answered 429: whatever was learned, downloads from there count."""
        if same_origin(url, self.base_url):
            self._refused = True
            self.local_downloads_metered = True
