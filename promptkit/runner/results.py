"""The run's results file (``results.json``): versioned pydantic models, loader, atomic writer,
and the exact dollar text of its ``cost_usd`` amounts (and of budgets given as text).

``results.json`` is the data every report is rendered from; HTML and Markdown never hold a number
that is not here. Paths inside it are relative to the run folder, so a run folder can be moved or
archived whole. ``schema_version`` changes only when a field changes meaning or disappears; new
optional fields keep the version. Version 2 added what a reader must compute for older runs:
every clip's prompt adherence, the variables it left to template defaults, and the run's primary
metric (the report's reader upgrades a version 1 file as it reads it).
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Iterable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from promptkit.errors import InputError
from promptkit.files import temp_beside
from promptkit.runner.layout import RunLayout

SCHEMA_VERSION = 2
MAX_USD = Decimal(1_000_000)
"""Largest amount of money promptkit accepts (budgets, --max-cost): far above any eval, and it
keeps every amount within exact tick arithmetic."""
# One definition for every rate a run reports (report pages, A/B statistics, --fail-on): a clip
# is *measured* when it has a readable verdict, *frozen* when that verdict is frozen or
# partial-freeze, and *motionless* when it is frozen, partial-freeze or low-motion (the clip
# failed a prompt that asked for motion). Failed, moderated and unreadable clips count in
# totals, never in rates.
FROZEN_VERDICTS = frozenset({"frozen", "partial-freeze"})
MOTIONLESS_VERDICTS = frozenset({"frozen", "partial-freeze", "low-motion"})
MEASURED_VERDICTS = frozenset({"frozen", "partial-freeze", "low-motion", "ok"})
# What a spec's ``primary:`` may name: the measure its arms are ranked on.
PRIMARY_METRICS = ("motionless-rate", "frozen-rate", "adherence-rate", "camera-adherence-rate",
                   "motion")  # fmt: skip
DEFAULT_PRIMARY = "motionless-rate"

ClipStatus = Literal[
    "planned",
    "submitting",
    "submitted",
    "uncertain",
    "done",
    "failed",
    "moderated",
    "expired",
    "downloaded",
    "scored",
    "error",
    "skipped",
]
CLIP_STATUSES: tuple[str, ...] = ClipStatus.__args__  # type: ignore[attr-defined]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LintFinding(_Model):
    """One lint diagnostic of the clip's prompt (same fields as ``Diagnostic.to_dict()``)."""

    code: str = Field(description="Rule code, e.g. PK101.")
    name: str = Field(description="Rule name.")
    severity: Literal["error", "warning", "info"] = Field(description="How serious it is.")
    message: str = Field(description="What is wrong, one line.")
    help: str | None = Field(default=None, description="What to do about it.")
    line: int | None = Field(default=None, description="1-based line in the prompt.")
    column: int | None = Field(default=None, description="1-based column in the prompt.")


class Freeze(_Model):
    """One frozen stretch of the clip, in seconds from its start."""

    start_s: float = Field(description="Start of the frozen stretch.")
    end_s: float = Field(description="End of the frozen stretch.")


class Camera(_Model):
    """The dominant camera motion the scorer saw."""

    motion: str = Field(description="static, pan-left, pan-right, tilt-up, zoom-in, ...")
    confidence: float = Field(description="0–1.")


class Adherence(_Model):
    """Did the clip do what its prompt asked (see ``promptkit.runner.adherence``)?"""

    camera_asked: str | None = Field(
        default=None, description="The camera move the prompt asks for ('pan left'), if any."
    )
    camera_phrase: str | None = Field(
        default=None, description="The prompt's words that ask for it."
    )
    camera_measured: str | None = Field(
        default=None, description="The scorer's camera label of the clip, when measured."
    )
    camera: Literal["match", "mismatch", "not asked", "not checkable", "unmeasured"] = Field(
        description="Requested against measured camera move."
    )
    motion_asked: Literal["motion", "stillness"] | None = Field(
        default=None, description="What the prompt asks of the picture's motion, if anything."
    )
    motion: Literal["match", "miss", "not asked", "unmeasured"] = Field(
        description="Motion (or stillness) asked against the verdict."
    )
    adheres: bool | None = Field(
        default=None,
        description="Every checked request matched; None when nothing checkable was asked.",
    )


class Artifacts(_Model):
    """Pictures and series the scorer wrote for the clip (paths relative to the run folder)."""

    contact_sheet: str | None = Field(default=None, description="Grid of frames (JPEG/PNG).")
    thumbnail: str | None = Field(default=None, description="One frame for tables.")
    series_csv: str | None = Field(default=None, description="Per-frame motion series (CSV).")


class ClipRecord(_Model):
    """One job of the run: one replicate of one variant, from plan to score."""

    job_id: str = Field(description="'<variant_id>-r<replicate>', unique in the run.")
    variant_id: str = Field(description="Stable hash of the variant's inputs (10 hex chars).")
    replicate: int = Field(description="Replicate number, 1-based.")
    arm: str | None = Field(default=None, description="A/B arm this clip belongs to, if any.")
    pair_key: str | None = Field(
        default=None,
        description="Hash of the variant's inputs without the arm: equal keys pair across arms.",
    )
    template: str | None = Field(default=None, description="Template name (None for raw prompts).")
    variables: dict[str, Any] = Field(default_factory=dict, description="Template variables.")
    defaults: dict[str, Any] = Field(
        default_factory=dict,
        description="Variables the spec left to the template's defaults, with those defaults.",
    )
    params: dict[str, Any] = Field(default_factory=dict, description="GenerationParams as JSON.")
    prompt: str = Field(description="The prompt text as sent.")
    lint: list[LintFinding] = Field(default_factory=list, description="Lint findings.")
    tags: list[str] = Field(default_factory=list, description="Tags from the spec/template.")
    request_id: str | None = Field(default=None, description="Provider request id once known.")
    status: ClipStatus = Field(description="Last state the journal recorded for the job.")
    error: str | None = Field(default=None, description="Why the job stopped short, one line.")
    cost_ticks: int | None = Field(default=None, ge=0, description="What the provider charged.")
    file: str | None = Field(default=None, description="'clips/<variant_id>-r<k>.mp4'.")
    sha256: str | None = Field(default=None, description="SHA-256 of the downloaded clip.")
    metrics: dict[str, Any] | None = Field(default=None, description="Scorer metrics.")
    verdict: str | None = Field(
        default=None, description="frozen, partial-freeze, low-motion, ok or unreadable."
    )
    flags: list[str] = Field(default_factory=list, description="Scorer flags.")
    reason: str | None = Field(default=None, description="Why the scorer gave its verdict.")
    freezes: list[Freeze] = Field(default_factory=list, description="Frozen stretches.")
    camera: Camera | None = Field(default=None, description="Dominant camera motion.")
    adherence: Adherence | None = Field(
        default=None, description="Prompt adherence (the runner fills it for every clip)."
    )
    artifacts: Artifacts = Field(default_factory=Artifacts, description="Scorer pictures.")
    duration_s: float | None = Field(default=None, description="Measured clip length.")
    width: int | None = Field(default=None, description="Measured frame width.")
    height: int | None = Field(default=None, description="Measured frame height.")
    fps: float | None = Field(default=None, description="Measured frame rate.")

    @property
    def measured(self) -> bool:
        """The scorer gave a readable verdict (frozen, partial-freeze, low-motion or ok)."""
        return self.verdict in MEASURED_VERDICTS

    @property
    def frozen(self) -> bool:
        """The verdict shows a stretch of stillness a viewer would see."""
        return self.verdict in FROZEN_VERDICTS

    @property
    def motionless(self) -> bool:
        """The verdict says the picture did not move enough: frozen, partial-freeze, low-motion."""
        return self.verdict in MOTIONLESS_VERDICTS


class RunSummary(_Model):
    """Totals over the run's clips."""

    jobs: int = Field(default=0, description="Number of jobs planned.")
    by_status: dict[str, int] = Field(default_factory=dict, description="Jobs per status.")
    by_verdict: dict[str, int] = Field(
        default_factory=dict, description="Scored clips per verdict."
    )
    cost_ticks: int = Field(default=0, ge=0, description="Total charged, in ticks (1 USD = 1e10).")
    cost_usd: str = Field(default="0", description="Total charged in USD, exact decimal string.")
    clip_seconds: int = Field(default=0, description="Planned seconds of video.")
    wall_seconds: float = Field(default=0.0, description="Wall time of all sessions of the run.")
    submitted: int = Field(default=0, description="Jobs the provider accepted (request id known).")
    uncertain: int = Field(default=0, description="Submits whose outcome is unknown.")
    resumes: int = Field(default=0, description="How many times the run was resumed.")

    @field_validator("cost_usd")
    @classmethod
    def _amount(cls, v: str) -> str:
        return _usd_text(v)


class RunResults(_Model):
    """Everything a report needs about one run."""

    schema_version: int = Field(default=SCHEMA_VERSION, description="Format version (2).")
    run_id: str = Field(description="The run folder's name.")
    created_at: str = Field(description="ISO-8601 UTC time the run was planned.")
    finished_at: str | None = Field(default=None, description="ISO-8601 UTC end, None if open.")
    spec_path: str = Field(description="Spec file the run came from.")
    spec: dict[str, Any] = Field(default_factory=dict, description="The spec as loaded.")
    provider: Literal["sim", "xai"] = Field(description="Which API generated the clips.")
    model: str = Field(description="Model name.")
    budget_usd: str | None = Field(default=None, description="Budget cap in USD, if any.")
    summary: RunSummary = Field(default_factory=RunSummary, description="Totals.")
    arms: list[str] = Field(default_factory=list, description="A/B arms in spec order.")
    arm_by: str | None = Field(
        default=None, description="'template', 'variable:<name>' or None (no arms)."
    )
    primary: str = Field(
        default=DEFAULT_PRIMARY, description="The measure arms are ranked on (spec 'primary:')."
    )
    clips: list[ClipRecord] = Field(default_factory=list, description="One record per job.")

    @field_validator("budget_usd")
    @classmethod
    def _budget(cls, v: str | None) -> str | None:
        return None if v is None else _usd_text(v)


def format_usd(amount: Decimal) -> str:
    """Dollars with at least two decimals and no float rounding: 0.5 -> 0.50, 0.0123 -> 0.0123."""
    text = format(amount.normalize(), "f")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


def parse_usd(value: object, maximum: Decimal | None = MAX_USD) -> Decimal:
    """``"2.50"``, ``"$2.50"`` or ``2.5`` as exact dollars, from 0 to ``maximum``; a ValueError
    says what is expected."""
    text = str(value).strip().lstrip("$")
    try:
        # Long digit strings are never amounts; Decimal would read them (slowly) all the same.
        amount = Decimal(text) if len(text) <= 64 else Decimal("NaN")
    except InvalidOperation:
        raise ValueError("an amount in USD, e.g. 2.50") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError("an amount in USD of 0 or more")
    if maximum is not None and amount > maximum:
        raise ValueError(f"an amount in USD of at most {maximum:,}")
    return amount


def _usd_text(text: str) -> str:
    """``text`` when it is an exact dollar amount (results files are edited by hand too)."""
    try:
        parse_usd(text, maximum=None)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not {exc}") from None
    return text


def load_results(path: Path) -> RunResults:
    """Read and validate a ``results.json`` (or the one in a run folder)."""
    path = Path(path)
    if path.is_dir():
        path = RunLayout(path).results
    return results_from_data(path, read_results_json(path))


def read_results_json(path: Path) -> Any:
    """The parsed JSON of a results file, unvalidated; a one-line InputError if unreadable."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no results file (is this a run folder?)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read results: {exc}") from exc


def results_from_data(path: Path, data: Any) -> RunResults:
    """Validate already-parsed ``results.json`` content; ``path`` only names it in errors."""
    if not isinstance(data, dict):
        raise InputError(f"{path}: results must be a JSON object")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise InputError(
            f"{path}: schema_version {version!r} is not supported "
            f"(this promptkit reads version {SCHEMA_VERSION}; upgrade promptkit)"
        )
    try:
        return RunResults.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in err.get("loc", ()))
        msg = str(err.get("msg")).removeprefix("Value error, ")
        raise InputError(f"{path}: {loc}: {msg}") from None


def write_text_atomic(path: Path, text: str | Iterable[str], *, fsync: bool = False) -> None:
    """Write ``text`` (a string, or its pieces) to ``path`` via a temporary file in the same
    folder and a rename, so a reader sees the old file or the new one, never half of one
    (``fsync``: also on disk)."""
    fd, tmp = temp_beside(path, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            if isinstance(text, str):
                fh.write(text)
            else:
                fh.writelines(text)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_results(run_dir: Path, results: RunResults) -> Path:
    """Write ``run_dir/results.json`` atomically (temp file, fsync, rename) and return its path."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    target = RunLayout(run_dir).results
    write_text_atomic(target, results_json(results), fsync=True)
    return target


def results_json(results: RunResults) -> Iterator[str]:
    """The text of ``results.json``, a clip at a time: what ``json.dumps(results.model_dump(),
    indent=2)`` writes, without holding the whole run as one dict and one string."""
    head = json.dumps(
        {**results.model_dump(mode="json", exclude={"clips"}), "clips": []},
        indent=2,
        ensure_ascii=False,
    )
    if not results.clips:
        yield head + "\n"
        return
    yield head[: head.rindex("[]")] + "[\n"
    last = len(results.clips) - 1
    for i, clip in enumerate(results.clips):
        item = json.dumps(clip.model_dump(mode="json"), indent=2, ensure_ascii=False)
        yield textwrap.indent(item, "    ") + (",\n" if i < last else "\n")
    yield "  ]\n}\n"
