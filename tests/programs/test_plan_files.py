"""Malformed plan files fail loudly, naming the file and the field; districts are Seoul's 25."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ilja.programs.loader import load_plan
from ilja.programs.plan import DATA_DIR, PlanDataError

SEOUL_DISTRICTS = {
    "11110": ("종로구", "Jongno-gu"),
    "11140": ("중구", "Jung-gu"),
    "11170": ("용산구", "Yongsan-gu"),
    "11200": ("성동구", "Seongdong-gu"),
    "11215": ("광진구", "Gwangjin-gu"),
    "11230": ("동대문구", "Dongdaemun-gu"),
    "11260": ("중랑구", "Jungnang-gu"),
    "11290": ("성북구", "Seongbuk-gu"),
    "11305": ("강북구", "Gangbuk-gu"),
    "11320": ("도봉구", "Dobong-gu"),
    "11350": ("노원구", "Nowon-gu"),
    "11380": ("은평구", "Eunpyeong-gu"),
    "11410": ("서대문구", "Seodaemun-gu"),
    "11440": ("마포구", "Mapo-gu"),
    "11470": ("양천구", "Yangcheon-gu"),
    "11500": ("강서구", "Gangseo-gu"),
    "11530": ("구로구", "Guro-gu"),
    "11545": ("금천구", "Geumcheon-gu"),
    "11560": ("영등포구", "Yeongdeungpo-gu"),
    "11590": ("동작구", "Dongjak-gu"),
    "11620": ("관악구", "Gwanak-gu"),
    "11650": ("서초구", "Seocho-gu"),
    "11680": ("강남구", "Gangnam-gu"),
    "11710": ("송파구", "Songpa-gu"),
    "11740": ("강동구", "Gangdong-gu"),
}


def test_the_25_districts_with_their_codes_and_names():
    plan = load_plan()
    assert {d.code: (d.name.ko, d.name.en) for d in plan.districts} == SEOUL_DISTRICTS
    assert all(d.source.startswith("notice:") for d in plan.districts)


@pytest.fixture
def data_dir(tmp_path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_copy_of_the_data_loads_like_the_original(data_dir):
    copy = load_plan(data_dir)
    assert copy.content_hash == load_plan().content_hash
    assert copy is not load_plan()


@pytest.mark.parametrize(
    ("file", "old", "new", "field"),
    [
        ("programs.yaml", "value: 94291", "value: lots", "programs.1.budget.value"),
        (
            "programs.yaml",
            'source: "document: seoul-2025-jobs-plan §2 서울 동행일자리 추진내용 (돌봄',
            'source: "guess: seoul-2025-jobs-plan §2 (돌봄',
            "programs.1.tracks.0.people.source",
        ),
        ("sites.yaml", 'district: "11440"', 'district: "99999"', "campuses.13.district"),
        ("targets.yaml", "unit: internships", "unit: parsecs", "targets.19.unit"),
        (
            "programs.yaml",
            "institutes: [institute.central",
            "institutes: [institute.middle",
            "programs.6.tracks.0.institutes",
        ),
        ("districts.yaml", 'code: "11110"', 'code: "1111"', "districts.0.code"),
    ],
)
def test_a_malformed_file_names_file_and_field(data_dir, file, old, new, field):
    edit(data_dir / file, old, new)
    with pytest.raises(PlanDataError) as error:
        load_plan(data_dir)
    assert error.value.file == file
    fields = [f for f, _ in error.value.problems]
    assert any(f.startswith(field) for f in fields), fields
    assert file in str(error.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("seoul-2025-academy-2-0-release §", "seoul-2025-academy-3-0-release §", "unknown source"),
        ("seoul-2025-academy-2-0-release §", "002_f911b4e3c5f7870f.txt §", "names a file"),
        ("document: seoul-2025-academy-2-0-release", "notice: seoul-2025-academy-2-0-release",
         "is a document, not a notice"),
    ],
)
def test_a_source_must_cite_a_registered_source_by_key(data_dir, old, new, message):
    edit(data_dir / "targets.yaml", old, new)
    with pytest.raises(PlanDataError, match=message) as error:
        load_plan(data_dir)
    assert error.value.file == "targets.yaml"


def test_broken_yaml_names_the_line(data_dir):
    (data_dir / "sites.yaml").write_text("campuses: [\n  - code: x\n")
    with pytest.raises(PlanDataError, match=r"sites.yaml: line \d+"):
        load_plan(data_dir)


def test_a_missing_file_is_an_error(data_dir):
    (data_dir / "targets.yaml").unlink()
    with pytest.raises(PlanDataError, match="targets.yaml"):
        load_plan(data_dir)


def test_a_changed_figure_changes_the_warning_not_the_figure(data_dir):
    edit(data_dir / "programs.yaml", "value: 12890", "value: 12980")
    plan = load_plan(data_dir)
    assert plan.program("companion_jobs").people.value == 12980
    assert not [
        w for w in plan.warnings if w.subject == "companion_jobs" and w.code == "tracks_people_sum"
    ]
    assert plan.content_hash != load_plan().content_hash
