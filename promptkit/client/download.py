"""Fetching a finished clip: streamed, capped, verified, then atomically renamed into place.

Clip URLs expire (24 h on the real API), so a clip is fetched as soon as its job is done. The
bytes go to a hidden temporary file in the destination folder; the HTTP status, the
``Content-Length`` (when given), the size cap, the MP4 ``ftyp`` box at offset 4 and the byte
count are checked and the sha256 computed while streaming; only a verified file is renamed to
its final name, so a crash or a failed check never leaves a partial clip behind. 404/410 (and
a 403 that says so) mean the URL expired.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from promptkit.client.transport import HttpSession, _short
from promptkit.errors import ApiError, DownloadError, Expired, StorageError
from promptkit.files import temp_beside

CHUNK = 256 * 1024


@dataclass(frozen=True)
class Download:
    """A verified clip on disk."""

    path: Path
    sha256: str
    size: int


def _retryable(
    message: str, *, request_id: str | None = None, status_code: int | None = None
) -> DownloadError:
    """A DownloadError the retry policy may try again (see ``retry.is_retryable``)."""
    return DownloadError(message, request_id=request_id, status_code=status_code, retryable=True)


def target_path(url: str, dest: Path) -> Path:
    """``dest`` itself, or a file named after the URL inside ``dest`` when it is a folder."""
    if dest.is_dir():
        name = Path(unquote(urlsplit(url).path)).name if not url.startswith("data:") else ""
        if not name or name in (".", ".."):
            name = "clip.mp4"
        if not name.lower().endswith(".mp4"):
            name += ".mp4"
        return dest / name
    return dest


async def fetch_once(
    session: HttpSession,
    url: str,
    path: Path,
    *,
    max_bytes: int,
    request_id: str | None = None,
    timeout: float | None = None,
    on_headers: Callable[[Mapping[str, str]], None] | None = None,
) -> Download:
    """One download attempt; raises DownloadError (``retryable`` when worth another go).

    ``timeout`` bounds the whole attempt (httpx's read timeout restarts with every byte, so a
    server trickling the clip would otherwise hold it forever); running out is final.
    ``on_headers`` is shown the headers of a successful answer (the client's metering reads
    them).
    """
    where = _short(url)
    try:
        async with asyncio.timeout(timeout):
            return await _fetch(
                session,
                url,
                path,
                max_bytes=max_bytes,
                request_id=request_id,
                on_headers=on_headers,
            )
    except TimeoutError:
        raise too_slow(where, timeout or 0.0, request_id) from None
    except OSError as exc:
        if isinstance(exc, ConnectionError):
            raise
        # Network failures are httpx errors by now: an OSError here is the local disk.
        raise StorageError(
            f"{path.parent}: cannot write the clip ({exc.strerror or exc}); free disk space and "
            "try again"
        ) from exc


def too_slow(where: str, timeout: float, request_id: str | None = None) -> DownloadError:
    """The error of a download that ran out of its ``timeout`` (final: not retried)."""
    return DownloadError(
        f"{where}: the download took longer than {timeout:g} s (client.download_timeout); "
        "the clip host may be trickling it",
        request_id=request_id,
    )


async def _fetch(
    session: HttpSession,
    url: str,
    path: Path,
    *,
    max_bytes: int,
    request_id: str | None,
    on_headers: Callable[[Mapping[str, str]], None] | None,
) -> Download:
    where = _short(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = temp_beside(path, prefix=f".{path.name}.", suffix=".part")
    tmp = Path(tmp_name)
    ok = False
    try:
        with os.fdopen(fd, "wb") as out:
            digest = hashlib.sha256()
            size = 0
            async with session.stream(url) as response:
                _check_status(response.status_code, where, request_id, response)
                if on_headers is not None:
                    on_headers(response.headers)
                expected = _content_length(response.headers.get("content-length"))
                if expected is not None and expected > max_bytes:
                    raise DownloadError(
                        f"{where}: clip is {expected} bytes, over the {max_bytes}-byte cap "
                        "(raise client.max_download_bytes to allow it)",
                        request_id=request_id,
                    )
                head = b""
                try:
                    async for chunk in response.aiter_bytes(CHUNK):
                        size += len(chunk)
                        if size > max_bytes:
                            raise DownloadError(
                                f"{where}: clip exceeds the {max_bytes}-byte cap "
                                "(raise client.max_download_bytes to allow it)",
                                request_id=request_id,
                            )
                        if len(head) < 8:
                            head += chunk[: 8 - len(head)]
                        digest.update(chunk)
                        out.write(chunk)
                except ApiError:
                    raise
                except Exception as exc:
                    mapped = session.stream_error(exc, url)
                    raise _retryable(
                        f"{where}: download interrupted after {size} bytes: {mapped}",
                        request_id=request_id,
                    ) from exc
            encoded = response.headers.get("content-encoding", "identity") != "identity"
            if expected is not None and not encoded and size != expected:
                raise _retryable(
                    f"{where}: truncated download ({size} of {expected} bytes)",
                    request_id=request_id,
                )
            if size < 8 or head[4:8] != b"ftyp":
                raise DownloadError(
                    f"{where}: not an MP4 file (no 'ftyp' box at offset 4; got {size} bytes)",
                    request_id=request_id,
                )
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
        ok = True
        return Download(path=path, sha256=digest.hexdigest(), size=size)
    finally:
        if not ok:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()


def _content_length(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value >= 0 else None


def _check_status(status: int, where: str, request_id: str | None, response: object) -> None:
    if 200 <= status < 300:
        return
    if status in (404, 410):
        raise Expired(
            f"clip URL expired or gone (HTTP {status}): {where}; clip URLs are temporary — "
            "fetch the job's status again or generate again",
            request_id=request_id,
            status_code=status,
        )
    if status == 403:
        raise Expired(
            f"clip URL refused (HTTP 403), most likely expired: {where}; fetch the job's status "
            "again or generate again",
            request_id=request_id,
            status_code=status,
        )
    if status >= 500 or status in (408, 429):
        raise _retryable(
            f"{where}: download failed with HTTP {status}",
            request_id=request_id,
            status_code=status,
        )
    raise DownloadError(
        f"{where}: download failed with HTTP {status}", request_id=request_id, status_code=status
    )
