"""Settings (kg.config): defaults that work from a fresh clone, the environment over them, flags over both.

The documented defaults are read from the README's configuration table, so the code and the
table cannot drift apart; the environment is a plain dict, so no test depends on the shell's.
"""

from __future__ import annotations

import re
import typing
from dataclasses import FrozenInstanceError, fields
from pathlib import Path
from types import NoneType, UnionType

import pytest

from kg.config import PROJECT_ROOT, Settings, from_environment
from kg.errors import KgError

README = Path(__file__).resolve().parents[1] / "README.md"
HINTS = typing.get_type_hints(Settings)


def value_type(name: str) -> type:
    """The type of a field's values, without the ``| None`` of optional ones."""
    hint = HINTS[name]
    if isinstance(hint, UnionType):
        (kind,) = [t for t in typing.get_args(hint) if t is not NoneType]
        return kind  # type: ignore[no-any-return]
    return hint  # type: ignore[no-any-return]


def documented_defaults() -> dict[str, str]:
    """``KG_NAME`` -> the default as the README's configuration table writes it."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    out: dict[str, str] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`KG_"):
            continue
        names = re.findall(r"`(KG_[A-Z_]+)`", cells[0])
        defaults = re.findall(r"`([^`]*)`", cells[1]) or [cells[1]] * len(names)
        assert len(names) == len(defaults), line
        out.update(zip(names, defaults, strict=True))
    return out


def as_documented(value: object) -> str:
    """A setting's value written the way the README writes defaults."""
    if value is None:
        return "(none)"
    if isinstance(value, Path):  # relative to the project, as a fresh clone has it
        if value.is_relative_to(PROJECT_ROOT):
            return value.relative_to(PROJECT_ROOT).as_posix()
        return (Path("..") / value.relative_to(PROJECT_ROOT.parent)).as_posix()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------- defaults


def test_every_setting_is_documented_with_its_default() -> None:
    documented = documented_defaults()
    for f in fields(Settings):
        variable = f"KG_{f.name.upper()}"
        assert variable in documented, f"{variable} is missing from the README's configuration table"
        assert as_documented(getattr(Settings(), f.name)) == documented[variable], variable


def test_the_readme_documents_no_setting_that_does_not_exist() -> None:
    names = {f"KG_{f.name.upper()}" for f in fields(Settings)}
    assert set(documented_defaults()) - names == set()


def test_default_folders_are_the_projects_own() -> None:
    defaults = Settings()
    for folder in (defaults.ontology_dir, defaults.data_dir, defaults.queries_dir, defaults.rules_dir):
        assert folder.is_dir(), folder
    assert defaults.shapes_file.is_file()
    assert list(defaults.queries_dir.glob("*.rq")) and list(defaults.rules_dir.glob("*.rq"))


def test_the_defaults_are_safe_to_run() -> None:
    """Loopback only, the embedded store, and every limit switched on."""
    defaults = Settings()
    assert defaults.host == "127.0.0.1" and defaults.store == "oxigraph"
    assert defaults.query_timeout > 0 and defaults.max_rows > 0 and defaults.max_body_bytes > 0
    assert defaults.workers >= 1


def test_settings_are_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        Settings().port = 1  # type: ignore[misc]


# ---------------------------------------------------------------- the environment


def test_an_empty_environment_gives_the_defaults() -> None:
    assert from_environment({}) == Settings()


def test_the_environment_is_typed() -> None:
    settings = from_environment(
        {
            "KG_PORT": "9001",
            "KG_QUERY_TIMEOUT": "2.5",
            "KG_MAX_ROWS": "50",
            "KG_STORE_PATH": "/tmp/kg-store",
            "KG_QUERIES_DIR": "elsewhere/queries",
            "KG_ENDPOINT": "http://127.0.0.1:8890/sparql",
            "KG_BASE_IRI": "http://example.com/kg/",
        }
    )
    assert settings.port == 9001 and type(settings.port) is int
    assert settings.query_timeout == 2.5 and type(settings.query_timeout) is float
    assert settings.max_rows == 50 and type(settings.max_rows) is int
    assert settings.store_path == Path("/tmp/kg-store")
    assert settings.queries_dir == Path("elsewhere/queries")
    assert settings.endpoint == "http://127.0.0.1:8890/sparql"
    assert settings.base_iri == "http://example.com/kg/"
    assert settings.workers == Settings().workers  # not given: the default


SAMPLES: dict[type, tuple[str, object]] = {
    int: ("7", 7),
    float: ("1.5", 1.5),
    Path: ("/srv/kg", Path("/srv/kg")),
    str: ("some text", "some text"),
}


@pytest.mark.parametrize("name", [f.name for f in fields(Settings)])
def test_every_setting_comes_from_its_variable_with_its_type(name: str) -> None:
    kind = value_type(name)
    raw, expected = SAMPLES[kind]
    value = getattr(from_environment({f"KG_{name.upper()}": raw}), name)
    assert value == expected and type(value) is type(expected), (name, value)


def test_a_float_setting_takes_a_whole_number() -> None:
    settings = from_environment({"KG_QUERY_TIMEOUT": "3"})
    assert settings.query_timeout == 3.0 and type(settings.query_timeout) is float


def test_empty_and_unrelated_variables_are_ignored() -> None:
    settings = from_environment({"KG_PORT": "", "PORT": "1", "kg_port": "2", "KG_NO_SUCH_SETTING": "x"})
    assert settings == Settings()


def test_the_process_environment_is_read_when_none_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_MAX_ROWS", "12")
    assert from_environment().max_rows == 12
    assert from_environment({}).max_rows == Settings().max_rows


# ---------------------------------------------------------------- overrides


def test_overrides_change_only_what_is_given() -> None:
    base = from_environment({"KG_PORT": "9001", "KG_STORE": "memory"})
    changed = base.with_overrides(port=9002, store=None, max_rows=None, store_path=Path("/tmp/x"))
    assert (changed.port, changed.store, changed.max_rows, changed.store_path) == (
        9002,
        "memory",
        base.max_rows,
        Path("/tmp/x"),
    )
    assert base.port == 9001 and base.store_path is None  # a copy: the original is as it was


def test_overrides_with_only_none_are_the_same_settings() -> None:
    base = Settings(port=1234)
    assert base.with_overrides(port=None, host=None) == base


def test_an_unknown_override_is_refused() -> None:
    with pytest.raises(TypeError):
        Settings().with_overrides(no_such_setting=1)


# ---------------------------------------------------------------- derived names


def test_namespaces_follow_the_base_iri() -> None:
    settings = from_environment({"KG_BASE_IRI": "http://example.com/kg/"})
    assert settings.id_ns == "http://example.com/kg/id/"
    assert settings.ontology_ns == "http://example.com/kg/ontology#"
    assert settings.graph_ns == "http://example.com/kg/graph/"
    default = Settings()
    assert {default.id_ns, default.ontology_ns, default.graph_ns} == {
        "https://kg.example.org/id/",
        "https://kg.example.org/ontology#",
        "https://kg.example.org/graph/",
    }


def test_rules_and_shapes_follow_the_ontology_folder(tmp_path: Path) -> None:
    settings = Settings().with_overrides(ontology_dir=tmp_path)
    assert settings.rules_dir == tmp_path / "rules"
    assert settings.shapes_file == tmp_path / "shapes.ttl"


# ---------------------------------------------------------------- endpoint credentials


def test_no_credentials_unless_a_user_is_set() -> None:
    assert Settings().endpoint_credentials is None


def test_credentials_come_from_the_environment_and_the_password_is_never_shown() -> None:
    settings = from_environment({"KG_ENDPOINT_USER": "dba", "KG_ENDPOINT_PASSWORD": "s3cret-pw"})
    credentials = settings.endpoint_credentials
    assert credentials is not None and (credentials.user, credentials.password) == ("dba", "s3cret-pw")
    assert "s3cret-pw" not in repr(settings) and "s3cret-pw" not in repr(credentials)
    assert "dba" in repr(credentials)


@pytest.mark.parametrize(
    "environ", [{"KG_ENDPOINT_USER": "dba"}, {"KG_ENDPOINT_PASSWORD": "s3cret-pw"}], ids=["user only", "password only"]
)
def test_half_a_pair_of_credentials_is_refused_naming_both_variables(environ: dict[str, str]) -> None:
    with pytest.raises(KgError) as raised:
        _ = from_environment(environ).endpoint_credentials
    message = str(raised.value)
    assert "KG_ENDPOINT_USER" in message and "KG_ENDPOINT_PASSWORD" in message
    assert "s3cret-pw" not in message


@pytest.mark.parametrize(("name", "raw"), [("KG_PORT", "eighty"), ("KG_QUERY_TIMEOUT", "10s"), ("KG_MAX_HOPS", "4.5")])
def test_a_setting_that_is_not_a_number_names_its_variable(name: str, raw: str) -> None:
    with pytest.raises(KgError) as caught:
        from_environment({name: raw})
    assert name in str(caught.value) and repr(raw) in str(caught.value)
