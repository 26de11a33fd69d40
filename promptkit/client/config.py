"""Client settings: where the API is, the key, limits, timeouts and the polling policy.

The key is read only from the ``XAI_API_KEY`` environment variable or the settings table
``[tool.promptkit.client]`` (which ``PROMPTKIT_CLIENT__*`` variables also reach); promptkit never
writes it anywhere. The repr shows whether a key is set, never the key.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from promptkit import __version__
from promptkit.client.polling import MAX_TIMEOUT, PollPolicy
from promptkit.config import Settings, load_settings
from promptkit.errors import ConfigError

DEFAULT_BASE_URL = "https://api.x.ai"
API_KEY_ENV = "XAI_API_KEY"
MiB = 1024 * 1024


def is_loopback(host: str | None) -> bool:
    """True for ``localhost`` and loopback IP literals (bracketed IPv6 too)."""
    host = (host or "").lower().strip("[]")
    if host == "localhost":
        return True
    # Only an IP literal can be trusted to be loopback: "127.0.0.1.example.com" is a DNS name.
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_base_url(url: str) -> str:
    """``https://api.x.ai/v1/`` -> ``https://api.x.ai``: endpoint paths carry ``/v1`` themselves."""
    url = url.strip().rstrip("/")
    if url.endswith("/v1"):
        url = url[: -len("/v1")]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"client.base_url: {url!r} is not an http(s) URL")
    return url


@dataclass(frozen=True)
class ClientConfig:
    """Everything :class:`~promptkit.client.VideoClient` needs to talk to one API endpoint."""

    base_url: str = DEFAULT_BASE_URL
    api_key: str | None = field(default=None, repr=False)
    rps: float = 1.0
    rpm: int = 60
    meter_downloads: bool | None = None
    """Whether clip downloads wait for the rate limiter: None follows the provider (clips on
    another host never do; on the API host until its answers show they are not counted)."""
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    write_timeout: float = 60.0
    request_timeout: float = 120.0
    """Longest one API request may take in all, however slowly the server sends its answer."""
    download_timeout: float = 600.0
    """Longest one clip download may take in all (512 MiB at under 1 MB/s)."""
    max_retries: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    max_retry_after: float = 120.0
    poll: PollPolicy = field(default_factory=PollPolicy)
    max_download_bytes: int = 512 * MiB
    max_upload_bytes: int = 50 * MiB
    max_response_bytes: int = 1 * MiB
    """Largest API answer read (status and submit answers are a few hundred bytes)."""
    user_agent: str = f"promptkit/{__version__}"
    # A gateway error on a submit may mean the backend got it: report it as uncertain.
    uncertain_submit_statuses: tuple[int, ...] = (502, 504)

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", normalize_base_url(self.base_url))
        if self.api_key is not None and not isinstance(self.api_key, str):
            raise ConfigError("client.api_key must be a string")
        if isinstance(self.poll, Mapping):
            object.__setattr__(self, "poll", _poll_from(dict(self.poll)))
        seconds = (
            "connect_timeout",
            "read_timeout",
            "write_timeout",
            "request_timeout",
            "download_timeout",
            "backoff_base",
            "backoff_max",
            "max_retry_after",
        )
        sizes = ("max_download_bytes", "max_upload_bytes", "max_response_bytes")  # fmt: skip
        for name in ("rps", "rpm", *seconds, *sizes):
            value = getattr(self, name)
            top = MAX_TIMEOUT if name in seconds else math.inf
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if not number or not math.isfinite(value) or not 0 < value <= top:
                shown = f" and at most {top:g} seconds" if name in seconds else ""
                raise ConfigError(f"client.{name}: {value!r} must be a positive number{shown}")
        if self.meter_downloads is not None and not isinstance(self.meter_downloads, bool):
            raise ConfigError(
                f"client.meter_downloads: {self.meter_downloads!r} must be true or false"
            )
        if not isinstance(self.max_retries, int) or self.max_retries < 0:
            raise ConfigError(f"client.max_retries: {self.max_retries!r} must be 0 or more")

    def __repr__(self) -> str:
        shown = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "api_key":
                value = "<set>" if value else None
                shown.append(f"api_key={value}")
            else:
                shown.append(f"{f.name}={value!r}")
        return f"ClientConfig({', '.join(shown)})"

    __str__ = __repr__

    def require_api_key(self) -> ClientConfig:
        """This config, or a one-line error when the real API's key is missing."""
        if not self.api_key:
            raise ConfigError(f"{API_KEY_ENV} is not set: export it to use --provider xai")
        return self

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @classmethod
    def from_env(
        cls,
        settings: Settings | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> ClientConfig:
        """Build from ``[tool.promptkit.client]``, ``XAI_API_KEY`` and explicit ``overrides``.

        An override given explicitly wins even when it is None (``api_key=None`` means "no key",
        used for the simulator so a real key is never sent to it).
        """
        env = os.environ if environ is None else environ
        if settings is None:
            settings = load_settings(environ=env)
        values: dict[str, Any] = dict(settings.section("client"))
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(
                f"[tool.promptkit.client]: unknown key {unknown[0]!r} "
                f"(allowed: {', '.join(sorted(known))})"
            )
        if env.get(API_KEY_ENV):
            values["api_key"] = env[API_KEY_ENV]
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ConfigError(f"client: unknown setting {unknown[0]!r}")
        values.update(overrides)
        if isinstance(values.get("uncertain_submit_statuses"), list):
            values["uncertain_submit_statuses"] = tuple(values["uncertain_submit_statuses"])
        try:
            return cls(**values)
        except TypeError as exc:
            raise ConfigError(f"client: {exc}") from None


def _poll_from(values: dict[str, Any]) -> PollPolicy:
    known = {f.name for f in dataclasses.fields(PollPolicy)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(
            f"client.poll: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(known))})"
        )
    return PollPolicy(**values)
