"""The parameter tree: every value dated and sourced; history, as-of look-ups, bad files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ilja import clock
from ilja.rules.parameters import ParameterError, ParameterTree, default_tree
from ilja.rules.sources import SOURCE_KINDS


def test_every_value_has_a_source_of_a_known_kind():
    tree = default_tree()
    assert len(tree) > 40
    for parameter in tree:
        assert parameter.label_ko and parameter.label_en, parameter.name
        for value in parameter.values:
            assert value.source.strip(), parameter.name
            assert value.kind in SOURCE_KINDS, (parameter.name, value.source)
            assert value.source.split(":", 1)[0] in SOURCE_KINDS, (parameter.name, value.source)


def test_assumptions_say_why():
    for parameter in default_tree():
        for value in parameter.values:
            if value.kind == "assumption":
                assert len(value.source.split(":", 1)[1].strip()) > 20, parameter.name


def test_every_parameter_in_force_today_and_on_the_plan_start():
    tree = default_tree()
    for on in (dt.date(2025, 1, 1), clock.today()):
        snapshot = tree.at(on)
        assert set(snapshot) == set(tree.names())


def test_an_abolished_limit_is_an_explicit_null_not_a_missing_value():
    tree = default_tree()
    assert tree.value("attractive_jobs.middle_aged.max_age_exclusive", dt.date(2030, 1, 1)) is None


def test_value_before_the_history_is_a_clear_error():
    with pytest.raises(ParameterError, match="history starts"):
        default_tree().get("common.minimum_wage.hourly").entry_at(dt.date(2023, 12, 31))


def test_unknown_parameter():
    with pytest.raises(ParameterError, match="unknown parameter"):
        default_tree().get("no.such.thing")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("parameters:\n  a:\n    values:\n      2025-01-01: {value: 1}\n", "needs 'value' and 'source'"),
        ("parameters:\n  a:\n    values:\n      not-a-date: {value: 1, source: 'x'}\n", "not a date"),
        ("parameters:\n  a: {label: {ko: a}}\n", "needs 'values'"),
        ("parameters: [\n", "not valid YAML"),
    ],
)
def test_malformed_files_name_the_file_and_the_parameter(tmp_path: Path, content, message):
    (tmp_path / "broken.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(ParameterError, match=message) as error:
        ParameterTree.load(tmp_path)
    assert "broken.yaml" in str(error.value)


def test_version_changes_when_a_value_changes():
    tree = default_tree()
    parameter = tree.get("companion_jobs.work.daily_hours")
    changed = tree.replaced({parameter.name: parameter.with_value(dt.date(2026, 1, 1), 7, "reform: test")})
    assert changed.version() != tree.version()
    assert changed.value(parameter.name, dt.date(2026, 1, 1)) == 7
    assert changed.get(parameter.name).entry_at(dt.date(2026, 1, 1)).kind == "reform"
