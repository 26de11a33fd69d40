"""The promptkit error tree: every failure a user can cause or meet maps to one class here.

Third-party exceptions are mapped to these classes at the boundary that owns the library
(httpx in ``client``, Jinja in ``templates``, ``cv2.VideoCapture`` in ``metrics``, the encoder in
``sim``) with ``raise ... from exc``. Messages are one actionable line; ``exit_code`` is what the
CLI exits with.

    PromptkitError
    ├── UsageError                  bad flags or arguments (exit 2)
    ├── ConfigError                 bad [tool.promptkit] / PROMPTKIT_* settings
    ├── InputError                  a file that is missing, unreadable or malformed
    ├── InvalidParamsError          a generation parameter out of range (field, value, allowed)
    ├── TemplateError
    │   ├── TemplateNotFound
    │   ├── TemplateSyntaxError     "templates/x.j2:12: <what is wrong>"
    │   ├── TemplateVariableError   missing / unknown variable (lists the declared ones)
    │   └── SandboxViolation        unsafe attribute access refused by the sandbox
    ├── SpecError                   an eval spec that does not validate ("file: key: problem")
    ├── BudgetExceeded              the plan costs more than allowed (exit 3)
    ├── RunInUse                    another process holds the run folder's lock
    ├── StorageError                the disk refused a write (full, read-only, no permission)
    ├── ApiError                    anything the video API (real or simulated) said or failed to say
    │   ├── AuthError
    │   ├── ApiValidationError      the server rejected the request (its message is kept)
    │   ├── RateLimited
    │   ├── CreditsExhausted        429 that says credits or the spending limit are used up
    │   ├── ServerError             5xx
    │   ├── TransportError          timeouts, refused or dropped connections
    │   ├── UncertainSubmit         a submit that may have reached the server: never re-sent blindly
    │   ├── ProviderError           an answer that cannot be right (negative cost, key in a URL)
    │   ├── GenerationFailed        the job finished "failed"
    │   ├── Moderated               the job finished "done" without a URL
    │   ├── Expired                 the job or its URL expired
    │   ├── PollTimeout             gave up waiting (the request id is kept)
    │   └── DownloadError
    ├── VideoError
    │   └── UnreadableVideo         not a decodable video (zero bytes, truncated, not a video)
    └── SimulatorError
"""

from __future__ import annotations


class PromptkitError(Exception):
    """Root of every error promptkit raises on purpose."""

    exit_code: int = 2

    def __init__(self, message: str) -> None:
        # One line, always: a user error must never spill a multi-line dump.
        super().__init__(" ".join(str(message).split()))

    @property
    def message(self) -> str:
        return str(self)


class UsageError(PromptkitError):
    """Bad command-line usage."""


class ConfigError(PromptkitError):
    """Invalid settings in ``[tool.promptkit]`` or ``PROMPTKIT_*`` variables."""


class InputError(PromptkitError):
    """An input file is missing, unreadable or malformed."""


class InvalidParamsError(PromptkitError):
    """A generation parameter is outside what the API allows."""


class TemplateError(PromptkitError):
    """Base of template problems."""


class TemplateNotFound(TemplateError):
    """No template with that name on the search path."""


class TemplateSyntaxError(TemplateError):
    """A template does not parse; the message starts with ``path:line:``."""


class TemplateVariableError(TemplateError):
    """A variable is missing, unknown or not one of its allowed values."""


class SandboxViolation(TemplateError):
    """A template tried to reach outside the sandbox."""


class SpecError(PromptkitError):
    """An eval spec does not validate."""


class BudgetExceeded(PromptkitError):
    """The planned spend exceeds the budget; nothing was submitted."""

    exit_code = 3


class RunInUse(PromptkitError):
    """Another live process holds the run folder's lock (its pid is in the message)."""


class StorageError(PromptkitError):
    """Writing to the run folder (or an output file) failed: disk full, read-only, permissions.

    Nothing the provider was paid for is forgotten: the journal holds every committed state, so
    the run can be resumed once the disk takes writes again.
    """


class ApiError(PromptkitError):
    """Base of everything the video API said or failed to say.

    ``request_id`` is kept whenever one is known, so a paid generation is never forgotten.
    """

    def __init__(
        self, message: str, *, request_id: str | None = None, status_code: int | None = None
    ) -> None:
        super().__init__(message)
        self.request_id = request_id
        self.status_code = status_code


class AuthError(ApiError):
    """The API key is missing or was refused."""


class ApiValidationError(ApiError):
    """The server rejected the request as invalid."""


class RateLimited(ApiError):
    """Too many requests; ``retry_after`` seconds when the server said."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        request_id: str | None = None,
        status_code: int | None = 429,
    ) -> None:
        super().__init__(message, request_id=request_id, status_code=status_code)
        self.retry_after = retry_after


class CreditsExhausted(ApiError):
    """The account has no credits left or reached its spending limit."""


class ServerError(ApiError):
    """The server answered 5xx."""


class TransportError(ApiError):
    """The request did not complete at the transport level (timeout, refused, dropped)."""


class UncertainSubmit(ApiError):
    """A submit may have reached the server but its answer was lost; re-sending could pay twice."""


class ProviderError(ApiError):
    """The provider answered something that cannot be right (a negative or absurd cost, a clip
    URL that carries the API key, a body larger than any real answer); never retried."""


class GenerationFailed(ApiError):
    """The job ended with status ``failed``."""

    def __init__(self, message: str, *, code: str = "unknown", request_id: str | None = None):
        super().__init__(message, request_id=request_id)
        self.code = code


class Moderated(ApiError):
    """The job finished but the clip was withheld by moderation."""


class Expired(ApiError):
    """The job or its clip URL expired before it was fetched."""


class PollTimeout(ApiError):
    """Waiting for a job took longer than allowed; the job may still finish."""


class DownloadError(ApiError):
    """A clip could not be downloaded or failed verification.

    ``retryable`` marks a failure that may go away on another try (a dropped or short transfer,
    a server error); a refused or expired URL, a wrong size or a bad checksum is final.
    """

    def __init__(
        self,
        message: str,
        *,
        request_id: str | None = None,
        status_code: int | None = None,
        retryable: bool = False,
    ) -> None:
        super().__init__(message, request_id=request_id, status_code=status_code)
        self.retryable = retryable


class VideoError(PromptkitError):
    """Base of problems reading a video."""


class UnreadableVideo(VideoError):
    """The file is not a decodable video."""


class SimulatorError(PromptkitError):
    """The simulator could not start or serve."""
