"""The columns of a volunteers file and its cells as a sign-up form (no I/O)."""

from __future__ import annotations

from datetime import datetime

import pytest

from registration.adapters.volunteer_export import inert
from registration.config import read_vocabulary
from registration.domain.errors import RosterRefused
from registration.domain.roster import RosterColumns, RosterVocabularies, sign_up_form

KNOWN = RosterVocabularies(
    read_vocabulary("streets", None),
    read_vocabulary("skills", None),
    {"南京大学": "7b0c3d4e-0000-4000-8000-000000000001"},
)


def test_chinese_and_english_headers_name_the_same_fields() -> None:
    chinese = RosterColumns.from_headers(["序号", " 姓名* ", "手机号码", "街道", "技能", "备注"])
    english = RosterColumns.from_headers(["name", "PHONE", "street", "skills"])
    assert chinese.fields == (None, "name", "phone", "street", "skills", None)
    assert english.fields == ("name", "phone", "street", "skills")


def test_unknown_repeated_and_missing_columns_refuse_the_file() -> None:
    with pytest.raises(RosterRefused) as refused:
        RosterColumns.from_headers(["姓名", "name", "微信号"])
    problems = " ".join(refused.value.errors["file"])
    assert "unknown columns: 微信号" in problems
    assert "already given: name" in problems
    assert "手机号 (phone)" in problems and "街道 (street)" in problems


def test_cells_become_the_sign_up_form_of_the_api() -> None:
    columns = RosterColumns.from_headers(
        ["姓名", "手机号", "街道", "技能", "性别", "出生日期", "单位", "监护人同意"]
    )
    cells = columns.cells(
        [
            "刘明珠",
            13812345678.0,
            "江浦",
            "急救、 first_aid;摄影摄像",
            "女",
            "2008年5月1日",
            "南京大学",
            "是",
        ]
    )
    form, unreadable = sign_up_form(cells, KNOWN)
    assert unreadable == {}
    assert form == {
        "consent": True,
        "source": "import",
        "name": "刘明珠",
        "phone": "13812345678",
        "street": "jiangpu",
        "skills": ["first_aid", "first_aid", "photography"],
        "gender": "female",
        "birth_date": "2008-05-01",
        "organisation_id": KNOWN.organisations["南京大学"],
        "guardian_consent": True,
    }


def test_unreadable_cells_are_named_without_their_values() -> None:
    columns = RosterColumns.from_headers(
        ["姓名", "手机号", "街道", "身份证号", "性别", "出生日期", "单位", "监护人同意"]
    )
    cells = columns.cells(
        ["王芳", "139", "江浦", 320111199001010000, "未知", "昨天", "无名单位", "也许"]
    )
    _form, unreadable = sign_up_form(cells, KNOWN)
    assert set(unreadable) == {
        "id_number",
        "gender",
        "birth_date",
        "organisation_id",
        "guardian_consent",
    }
    assert "format the column as text" in unreadable["id_number"][0]
    for value in ("未知", "昨天", "无名单位", "也许", "320111199001010000"):
        assert value not in repr(unreadable)


def test_a_spreadsheet_date_cell_is_a_birth_date() -> None:
    columns = RosterColumns.from_headers(["姓名", "手机号", "街道", "出生日期"])
    form, _ = sign_up_form(
        columns.cells(["王芳", "13900001111", "jiangpu", datetime(1990, 1, 2)]), KNOWN
    )
    assert form["birth_date"] == "1990-01-02"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("=1+2", "'=1+2"),
        ("+86", "'+86"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("刘明珠", "刘明珠"),
    ],
)
def test_export_cells_a_spreadsheet_would_evaluate_are_made_inert(text: str, shown: str) -> None:
    assert inert(text) == shown
