"""The built distribution, as a user installs it: from the wheel, in a clean venv, outside the
repository. A core install lints (and names the extra a heavier command needs); with the eval
extra, ``promptkit init`` then ``promptkit eval --example quickstart`` work from the wheel's own
data, and what they write follows the umask. ``twine check --strict`` passes on both artifacts.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROMPTKIT_", "PYTHON"))}
    return subprocess.run(
        cmd,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        **kw,
    )


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # `python -m build`: the sdist first, then the wheel built from that sdist.
    done = _run([sys.executable, "-m", "build", "--outdir", str(out), str(REPO)], cwd=out)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return out


@pytest.fixture(scope="module")
def clean_venv(tmp_path_factory: pytest.TempPathFactory, dist: Path) -> Path:
    """A venv outside the repository with the wheel installed (core dependencies only)."""
    home = tmp_path_factory.mktemp("user")
    venv.create(home / "venv", with_pip=True, clear=True)
    wheel = next(dist.glob("promptkit-*.whl"))
    done = _run([str(home / "venv/bin/python"), "-m", "pip", "install", "-q", str(wheel)], home)
    assert done.returncode == 0, done.stderr[-2000:]
    return home


def test_twine_check_strict_passes_on_wheel_and_sdist(dist: Path) -> None:
    artifacts = sorted(str(p) for p in dist.iterdir())
    assert sorted(Path(a).suffix for a in artifacts) == [".gz", ".whl"]
    done = _run([sys.executable, "-m", "twine", "check", "--strict", *artifacts], dist)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2


def test_the_wheel_carries_its_data_and_type_marker(dist: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(next(dist.glob("*.whl"))).namelist())
    for name in (
        "promptkit/py.typed",
        "promptkit/_examples/quickstart.yaml",
        "promptkit/_builtin_templates/nature_documentary.j2",
        "promptkit/scaffold/templates/my_shot.j2.tmpl",
    ):
        assert name in names, name


def test_core_install_lints_and_names_the_extra_a_command_needs(clean_venv: Path) -> None:
    bin_ = clean_venv / "venv/bin"
    listed = _run([str(bin_ / "python"), "-m", "pip", "list", "--format=freeze"], clean_venv)
    installed = {line.split("==")[0].lower() for line in listed.stdout.splitlines()}
    assert not installed & {"numpy", "opencv-python-headless", "scipy", "av", "httpx"}
    (clean_venv / "prompts").mkdir(exist_ok=True)
    (clean_venv / "prompts" / "a.txt").write_text("A coffee mug.\n", encoding="utf-8")
    lint = _run([str(bin_ / "promptkit"), "lint", "--select", "PK001"], clean_venv)
    assert lint.returncode == 1 and "prompts/a.txt:1:1: PK001" in lint.stdout, lint.stderr
    sim = _run([str(bin_ / "promptkit"), "sim"], clean_venv)
    assert sim.returncode == 2
    assert sim.stderr.splitlines() == [sim.stderr.strip()] and sim.stderr.strip().endswith(
        "pip install 'promptkit[sim]'"
    ), sim.stderr


def test_init_then_the_packaged_quickstart_run_from_the_wheel(clean_venv: Path, dist: Path) -> None:
    bin_ = clean_venv / "venv/bin"
    wheel = next(dist.glob("promptkit-*.whl"))
    done = _run([str(bin_ / "python"), "-m", "pip", "install", "-q", f"{wheel}[eval]"], clean_venv)
    assert done.returncode == 0, done.stderr[-2000:]
    project = clean_venv / "project"
    init = _run([str(bin_ / "promptkit"), "init", str(project)], clean_venv)
    assert init.returncode == 0, init.stderr
    for name in ("templates/my_shot.j2", "evals/my_eval.yaml", "pyproject.toml"):
        assert (project / name).is_file(), name
    lint = _run([str(bin_ / "promptkit"), "lint"], project)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    dry = _run([str(bin_ / "promptkit"), "eval", "--dry-run", "evals/my_eval.yaml"], project)
    assert dry.returncode == 0 and "my_shot" in dry.stderr, dry.stderr
    run = _run(
        [str(bin_ / "promptkit"), "eval", "--example", "quickstart", "-q"],
        project,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    # The first line names the report; the decision and the arm table follow it.
    report = Path(run.stdout.splitlines()[0].removeprefix("report: "))
    index = report if report.is_absolute() else project / report
    assert index.is_file(), run.stdout
    run_dir = index.parent
    assert (run_dir / "results.json").is_file()
    clips = sorted((run_dir / "clips").glob("*.mp4"))
    assert len(clips) == 8
    # Written as any file the user creates: 0666 less the umask, not mkstemp's 0600.
    for path in (run_dir / "results.json", index, clips[0]):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    shutil.rmtree(run_dir)
