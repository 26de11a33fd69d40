"""Settings load order: defaults < the closest config file < PROMPTKIT_*; how that file is found."""

from __future__ import annotations

from pathlib import Path

import pytest

from promptkit.config import env_settings, find_config, load_settings
from promptkit.errors import ConfigError

PYPROJECT = """
[project]
name = "demo"

[tool.promptkit]
provider = "xai"
budget_usd = 5

[tool.promptkit.lint]
select = ["PK1"]
ignore = ["PK9"]
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (tmp_path / "evals" / "deep").mkdir(parents=True)
    return tmp_path


def test_pyproject_table_is_read(project: Path) -> None:
    s = load_settings(project, environ={})
    assert s.get("provider") == "xai"
    assert s.section("lint") == {"select": ["PK1"], "ignore": ["PK9"]}
    assert s.source == project / "pyproject.toml"
    assert s.root == project


def test_nearest_pyproject_is_found_from_a_subfolder(project: Path) -> None:
    assert find_config(project / "evals" / "deep") == project / "pyproject.toml"
    assert load_settings(project / "evals" / "deep", environ={}).get("budget_usd") == 5


def test_missing_keys_fall_back_to_the_callers_default(project: Path) -> None:
    s = load_settings(project, environ={})
    assert s.get("nothing", "fallback") == "fallback"
    assert s.section("sim") == {}


def test_environment_overrides_pyproject(project: Path) -> None:
    s = load_settings(project, environ={"PROMPTKIT_PROVIDER": "sim"})
    assert s.get("provider") == "sim"
    assert s.get("budget_usd") == 5


def test_nested_environment_variable_reaches_into_a_section(project: Path) -> None:
    s = load_settings(project, environ={"PROMPTKIT_LINT__SELECT": '["X"]'})
    # The env replaces one key of the section and keeps the others from pyproject.
    assert s.section("lint") == {"select": ["X"], "ignore": ["PK9"]}


def test_environment_values_parse_as_toml_else_stay_strings() -> None:
    env = {
        "PROMPTKIT_WORKERS": "3",
        "PROMPTKIT_FAST": "true",
        "PROMPTKIT_NAME": "plain words",
        "PROMPTKIT_RATE": "0.5",
    }
    assert env_settings(env) == {"workers": 3, "fast": True, "name": "plain words", "rate": 0.5}


def test_unrelated_and_debug_variables_are_not_settings() -> None:
    assert env_settings({"PROMPTKIT_DEBUG": "1", "HOME": "/root", "PROMPTKIT_": "x"}) == {}


@pytest.mark.parametrize(
    "env",
    [
        {"PROMPTKIT_LINT": "3", "PROMPTKIT_LINT__SELECT": '["X"]'},
        {"PROMPTKIT_LINT__SELECT": '["X"]', "PROMPTKIT_LINT": "3"},
    ],
)
def test_a_value_and_a_table_for_the_same_key_conflict_in_any_order(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError, match="conflicts with another PROMPTKIT_ variable"):
        env_settings(env)


def test_bad_toml_is_a_config_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.promptkit\nx = 1\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path, environ={})
    assert str(info.value).startswith(f"{tmp_path / 'pyproject.toml'}: cannot read settings:")
    assert "\n" not in str(info.value)


def test_tool_promptkit_that_is_not_a_table_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool]\npromptkit = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[tool.promptkit\] must be a table"):
        load_settings(tmp_path, environ={})


def test_a_section_that_is_not_a_table_is_rejected(project: Path) -> None:
    s = load_settings(project, environ={"PROMPTKIT_SIM": "7"})
    with pytest.raises(ConfigError, match=r"\[tool.promptkit.sim\] must be a table"):
        s.section("sim")


def test_without_pyproject_only_the_environment_counts(tmp_path: Path) -> None:
    if find_config(tmp_path) is not None:
        pytest.skip("a pyproject.toml exists above the temporary folder")
    s = load_settings(tmp_path, environ={"PROMPTKIT_PROVIDER": "sim"})
    assert s.data == {"provider": "sim"}
    assert s.source is None


def test_environ_defaults_to_the_process_environment(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROMPTKIT_PROVIDER", "from-env")
    assert load_settings(project).get("provider") == "from-env"


def test_a_pyproject_without_the_table_is_passed_over(project: Path) -> None:
    sub = project / "pkg"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "pkg"\n', encoding="utf-8")
    assert find_config(sub) == project / "pyproject.toml"
    assert load_settings(sub, environ={}).get("budget_usd") == 5


def test_promptkit_toml_holds_the_table_at_top_level_and_wins(project: Path) -> None:
    (project / "promptkit.toml").write_text('provider = "sim"\n', encoding="utf-8")
    s = load_settings(project, environ={})
    assert s.source == project / "promptkit.toml" and s.get("provider") == "sim"
    assert s.get("budget_usd") is None  # settings are not merged across files


def test_an_explicit_config_file_resolves_paths_from_the_cwd(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path_factory.mktemp("cwd")
    monkeypatch.chdir(elsewhere)
    s = load_settings(config_file=project / "pyproject.toml", environ={})
    assert s.get("provider") == "xai" and s.root == elsewhere
