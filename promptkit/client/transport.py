"""The one module that imports httpx: the HTTP session, error mapping and key protection.

Every httpx exception and every non-2xx status becomes a :mod:`promptkit.errors` class here.
The key is attached per request, and only to requests for the configured base URL's origin: it
is never a default header, never follows a redirect, is never sent over plain http to a host
that is not loopback, and is redacted from debug logs and messages. Every answer is redacted
*after* decoding (a key spelled with JSON unicode escapes or percent-encoding is still the
key) before anyone reads it, and a URL that carries the key is refused, never followed. Answers
are capped in size (``max_response_bytes``) and in total time (``request_timeout``), so neither a
huge body nor a server that trickles a byte every few seconds holds a request forever. Whether a
failure is safe to retry depends on where it happened: a connection that never opened cannot
have delivered a submit, but a timeout while waiting for the answer may have
(:class:`UncertainSubmit`).
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from promptkit.client.config import ClientConfig, is_loopback
from promptkit.client.wire import one_line, server_message
from promptkit.errors import (
    ApiError,
    ApiValidationError,
    AuthError,
    ConfigError,
    CreditsExhausted,
    ProviderError,
    RateLimited,
    ServerError,
    TransportError,
    UncertainSubmit,
)

log = logging.getLogger("promptkit.client")

AsyncBaseTransport = httpx.AsyncBaseTransport
MAX_REDIRECTS = 5
_CREDITS = re.compile(r"credit|spending limit|billing|quota|insufficient (funds|balance)", re.I)
_BAD_KEY = re.compile(r"api[ _-]?key|unauthori[sz]ed|authenticat", re.I)
REDACTED = "***"
MIN_SECRET = 8
"""Keys shorter than this are not looked for in answers: such a key guards nothing, and
hunting for it would mangle every answer that happens to contain its letters."""
REFUSED_URL = "refused:the-url-carried-the-api-key"
"""What a provider URL that carried the key becomes: not a URL, so nothing can follow it."""


@dataclass(frozen=True)
class HttpResult:
    """A complete response: status, headers and body."""

    status: int
    headers: Mapping[str, str]
    body: bytes


def carries(text: str, secret: str | None) -> bool:
    """True when ``text`` holds ``secret`` as is or percent-encoded (once or twice)."""
    if not secret or len(secret) < MIN_SECRET:
        return False
    for _ in range(3):
        if secret in text:
            return True
        decoded = unquote(text)
        if decoded == text:
            return False
        text = decoded
    return False


def redact(text: str, secret: str | None) -> str:
    """``text`` with ``secret`` (and any bearer token) replaced by ``***``; a text that holds the
    key only percent-encoded becomes ``***`` as a whole."""
    if secret and len(secret) >= MIN_SECRET:
        text = text.replace(secret, REDACTED)
        if carries(text, secret):
            text = REDACTED
    return re.sub(r"(?i)(bearer\s+)[^\s,'\"]+", r"\1***", text)


def _scrub(value: Any, secret: str) -> Any:
    """A decoded JSON value with the key taken out of every string (keys included); a URL that
    carried it becomes :data:`REFUSED_URL`."""
    if isinstance(value, str):
        if not carries(value, secret):
            return value
        return (
            REFUSED_URL
            if value.lstrip().lower().startswith(("http:", "https:"))
            else (redact(value, secret))
        )
    if isinstance(value, list):
        return [_scrub(v, secret) for v in value]
    if isinstance(value, dict):
        return {_scrub(k, secret): _scrub(v, secret) for k, v in value.items()}
    return value


def scrub_body(body: bytes, secret: str | None) -> bytes:
    """An answer's bytes with the key removed however it was spelled.

    JSON is decoded first (a ``\\u``-escaped key is the key once decoded), scrubbed string by string
    and encoded again; other bodies are scrubbed as text. Bodies without the key are returned
    untouched.
    """
    if not secret or len(secret) < MIN_SECRET or not body:
        return body
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        text = body.decode("utf-8", "replace")
        return redact(text, secret).encode() if carries(text, secret) else body
    cleaned = _scrub(data, secret)
    if cleaned == data:
        return body
    return json.dumps(cleaned).encode()


def redacted_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {
        k: ("***" if k.lower() in ("authorization", "x-api-key", "cookie") else v)
        for k, v in headers.items()
    }


def same_origin(url: str, base_url: str) -> bool:
    """True when both URLs have the same scheme, host and port (False for a malformed one)."""
    try:
        a, b = urlsplit(url), urlsplit(base_url)
        return (a.scheme, a.hostname, a.port or _default_port(a.scheme)) == (
            b.scheme,
            b.hostname,
            b.port or _default_port(b.scheme),
        )
    except ValueError:  # e.g. a port out of range
        return False


def _default_port(scheme: str) -> int | None:
    return {"http": 80, "https": 443}.get(scheme)


def check_key_safety(config: ClientConfig) -> None:
    """Refuse a configuration that would send the key in clear text over the network."""
    parts = urlsplit(config.base_url)
    if config.api_key and parts.scheme != "https" and not is_loopback(parts.hostname):
        raise ConfigError(
            f"refusing to send the API key over plain http to {parts.hostname}; "
            "use an https base URL (plain http is allowed only for loopback)"
        )


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from ``retry-after-ms`` or ``retry-after`` (number or HTTP date), else None."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        try:
            value = float(raw_ms) / 1000
            if 0 <= value < float("inf"):
                return value
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        value = float(raw)
        return value if 0 <= value < float("inf") else None
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:  # pragma: no cover - older Pythons
        return None
    return max(0.0, when.timestamp() - time.time())


def error_for_response(
    result: HttpResult,
    *,
    endpoint: str,
    submit: bool,
    config: ClientConfig,
    request_id: str | None = None,
) -> ApiError:
    """The promptkit error for a non-2xx answer (the caller raises it)."""
    status = result.status
    msg = redact(server_message(result.body) or "", config.api_key)
    said = f": {msg}" if msg else ""
    kw: dict[str, Any] = {"request_id": request_id, "status_code": status}
    if status == 400 and _BAD_KEY.search(msg):
        return AuthError(f"the API refused the key (HTTP 400){said}; check XAI_API_KEY", **kw)
    if status in (401, 403):
        return AuthError(f"the API refused the key (HTTP {status}){said}; check XAI_API_KEY", **kw)
    if status == 429:
        if _CREDITS.search(msg):
            return CreditsExhausted(
                f"credits or spending limit exhausted (HTTP 429){said}; add credits or raise the "
                "limit in the xAI console",
                **kw,
            )
        retry_after = parse_retry_after(result.headers)
        hint = f"; retry after {retry_after:g} s" if retry_after is not None else ""
        return RateLimited(
            f"rate limited on {endpoint} (HTTP 429){said}{hint}",
            retry_after=retry_after,
            **kw,
        )
    if status == 408:
        return TransportError(f"{endpoint}: the server timed out reading the request", **kw)
    if status >= 500:
        if submit and status in config.uncertain_submit_statuses:
            return UncertainSubmit(
                f"{endpoint} answered HTTP {status} from a gateway{said}; the job may still have "
                "been accepted — not re-sent to avoid paying twice",
                **kw,
            )
        return ServerError(f"{endpoint}: server error HTTP {status}{said}", **kw)
    if status == 404 and request_id:
        return ApiValidationError(
            f"no job with request id {request_id} at {config.host} (HTTP 404){said}", **kw
        )
    if 300 <= status < 400:
        return ApiError(f"{endpoint}: unexpected redirect (HTTP {status})", **kw)
    return ApiValidationError(f"the API rejected the request (HTTP {status}){said}", **kw)


class HttpSession:
    """One httpx client bound to one :class:`ClientConfig`."""

    def __init__(
        self, config: ClientConfig, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        check_key_safety(config)
        self.config = config
        timeout = httpx.Timeout(
            connect=config.connect_timeout,
            read=config.read_timeout,
            write=config.write_timeout,
            pool=config.connect_timeout,
        )
        # No default auth header and no automatic redirects: the key is added per request,
        # only for the base URL's own origin.
        self._client = httpx.AsyncClient(
            base_url=config.base_url,
            headers={"User-Agent": config.user_agent, "Accept": "application/json"},
            timeout=timeout,
            follow_redirects=False,
            transport=transport,
            trust_env=transport is None,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    def _auth(self, url: str) -> dict[str, str]:
        if self.config.api_key and same_origin(url, self.config.base_url):
            return {"Authorization": f"Bearer {self.config.api_key}"}
        return {}

    def _log(self, method: str, url: str, headers: Mapping[str, str], note: str) -> None:
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s %s %s headers=%s",
                method,
                redact(url, self.config.api_key),
                note,
                redacted_headers({**self._client.headers, **headers}),
            )

    async def send(
        self, method: str, path: str, *, json: Any = None, submit: bool = False
    ) -> HttpResult:
        """Send one API request; map transport failures, return any HTTP answer (redacted)."""
        url = urljoin(self.config.base_url + "/", path.lstrip("/"))
        headers = self._auth(url)
        self._log(method, url, headers, "->")
        started = time.monotonic()
        try:
            # One deadline for the whole exchange: httpx's read timeout restarts on every byte.
            async with asyncio.timeout(self.config.request_timeout):
                async with self._client.stream(method, url, json=json, headers=headers) as response:
                    body = await self._read_capped(response, method, path, submit)
        except ApiError:
            raise
        except TimeoutError as exc:
            raise self._too_slow(method, path, submit) from exc
        except Exception as exc:
            raise self._map_exception(exc, method, path, submit) from exc
        log.debug(
            "%s %s <- HTTP %s (%.2f s, %d bytes)",
            method,
            path,
            response.status_code,
            time.monotonic() - started,
            len(body),
        )
        # A server or proxy that echoes the key must not get it into journals and reports.
        body = scrub_body(body, self.config.api_key)
        return HttpResult(response.status_code, response.headers, body)

    async def _read_capped(
        self, response: httpx.Response, method: str, path: str, submit: bool
    ) -> bytes:
        """The body, refused as soon as it is known to be over ``max_response_bytes``."""
        cap = self.config.max_response_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise self._too_big(method, path, submit, int(declared))
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > cap:
                raise self._too_big(method, path, submit, len(body))
        return bytes(body)

    def _too_big(self, method: str, path: str, submit: bool, size: int) -> ApiError:
        what = f"{method} {path}"
        cap = self.config.max_response_bytes
        if submit:
            return UncertainSubmit(
                f"{what}: the answer is over {cap} bytes (client.max_response_bytes) and was "
                "not read; the job may have been accepted, so it was not re-sent"
            )
        return ProviderError(
            f"{what}: the answer is over {cap} bytes (client.max_response_bytes; got at least "
            f"{size}); no API answer is that large"
        )

    def _too_slow(self, method: str, path: str, submit: bool) -> ApiError:
        what = f"{method} {path}"
        limit = f"{self.config.request_timeout:g} s (client.request_timeout)"
        if submit:
            return UncertainSubmit(
                f"{what}: no complete answer within {limit}; the job may have been accepted, so "
                "it was not re-sent"
            )
        return ProviderError(f"{what}: no complete answer within {limit}")

    def _map_exception(self, exc: Exception, method: str, path: str, submit: bool) -> ApiError:
        what = f"{method} {path}"
        reason = redact(one_line(str(exc) or type(exc).__name__, 120), self.config.api_key)
        # A refused connection never delivered anything (ConnectionError below may have).
        connect = (
            httpx.ConnectTimeout | httpx.ConnectError | httpx.PoolTimeout | ConnectionRefusedError
        )
        if isinstance(exc, connect):
            return TransportError(f"{what}: cannot connect to {self.config.host}: {reason}")
        if isinstance(exc, httpx.WriteTimeout | httpx.WriteError):
            # The request was never fully written, so the server cannot have acted on it.
            return TransportError(f"{what}: sending the request failed: {reason}")
        if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
            return TransportError(f"{what}: bad URL: {reason}")
        # A bare ConnectionError comes from in-process transports (ASGI) once the app has the
        # request: as uncertain as a socket dropped mid-answer.
        if isinstance(
            exc, httpx.TimeoutException | httpx.NetworkError | httpx.ProtocolError | ConnectionError
        ):
            kind = "read timeout" if isinstance(exc, httpx.TimeoutException) else reason
            if submit:
                return UncertainSubmit(
                    f"{what}: the request was sent but the answer was lost ({kind}); it may have "
                    "been accepted and billed, so it was not re-sent — check the xAI console "
                    "before submitting again"
                )
            return TransportError(f"{what}: the answer was lost ({kind})")
        if isinstance(exc, httpx.HTTPError):
            return (
                UncertainSubmit(f"{what}: {reason}")
                if submit
                else TransportError(f"{what}: {reason}")
            )
        raise exc

    @asynccontextmanager
    async def stream(self, url: str) -> AsyncIterator[httpx.Response]:
        """GET ``url`` as a stream, following redirects by hand so the key never travels on."""
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            # Only the very first hop may carry the key, and only to the base URL's origin.
            headers = self._auth(current) if hop == 0 else {}
            self._log("GET", _short(current), headers, "-> (stream)")
            request = self._client.build_request(
                "GET", current, headers={**headers, "Accept": "*/*"}
            )
            try:
                response = await self._client.send(request, stream=True)
            except Exception as exc:
                raise self._map_exception(exc, "GET", _short(current), False) from exc
            if response.is_redirect and "location" in response.headers:
                await response.aclose()
                location = response.headers["location"]
                if carries(location, self.config.api_key):
                    raise ProviderError(
                        f"GET {_short(current)}: redirected to a URL that carries the API key; "
                        "refused"
                    )
                current = urljoin(current, location)
                continue
            try:
                yield response
            finally:
                await response.aclose()
            return
        raise TransportError(f"GET {_short(url)}: more than {MAX_REDIRECTS} redirects")

    def stream_error(self, exc: Exception, url: str) -> ApiError:
        """Map an exception raised while reading a streamed body."""
        return self._map_exception(exc, "GET", _short(url), False)


def _short(url: str) -> str:
    """A URL without its query string (signed clip URLs carry credentials there)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"
