"""A file of volunteers to sign up (名册): its columns, and each row as a sign-up form.

A column is named by its Chinese header or by the sign-up's field name (`HEADERS`); `序号` and
`备注` are read past. Cells become what the sign-up form takes: a street or skill by its label or
code, skills separated by 、 ; , or spaces, gender as 男/女, guardian consent as 是/否, a member
unit by its name or id, dates as 2008-05-01, 2008/5/1, 2008年5月1日 or a spreadsheet date.
Consent to the privacy notice is the office's, which collected it before uploading; a minor's
guardian consent is not: it must be stated row by row. The form is then checked exactly as a
sign-up is. No message repeats what a cell held.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from registration.domain.errors import RosterRefused
from registration.domain.vocabularies import Vocabulary

# Field name → the headers that name it, the first being the one documented first.
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "phone": ("手机号", "手机号码", "手机", "联系电话"),
    "id_number": ("身份证号", "身份证号码", "身份证"),
    "email": ("邮箱", "电子邮箱"),
    "birth_date": ("出生日期",),
    "gender": ("性别",),
    "street": ("街道", "所在街道"),
    "skills": ("技能", "特长"),
    "organisation_id": ("单位", "所属单位"),
    "guardian_consent": ("监护人同意",),
}
REQUIRED = ("name", "phone", "street")
IGNORED = ("序号", "备注")
SKILL_SEPARATORS = re.compile(r"[、;；,，/\s]+")
YES = frozenset({"是", "同意", "已同意", "有", "y", "yes", "true", "1", "√", "✓"})
NO = frozenset({"否", "不同意", "无", "n", "no", "false", "0"})
GENDERS = {"男": "male", "女": "female", "male": "male", "female": "female"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
NUMBER_LOST_DIGITS = (
    "stored as a number in the sheet, which keeps only 15 digits: format the column as text"
)
NO_SUCH_ORGANISATION = "no member organisation has this name"

_BY_HEADER = {
    header.lower(): field
    for field, headers in HEADERS.items()
    for header in (*headers, field, "organisation" if field == "organisation_id" else field)
}


def _header_key(header: Any) -> str:
    # Templates often star required columns (姓名*) and pad headers with spaces.
    return str(header or "").strip().strip("*＊").strip().lower()


@dataclass(frozen=True)
class RosterColumns:
    """Which field each column of the file holds (None: a column read past)."""

    fields: tuple[str | None, ...]

    @classmethod
    def from_headers(cls, headers: Sequence[Any]) -> RosterColumns:
        """The columns of a header row; RosterRefused names unknown, repeated or missing ones."""
        fields: list[str | None] = []
        unknown, repeated = [], []
        for header in headers:
            key = _header_key(header)
            if not key or key in IGNORED:
                fields.append(None)
                continue
            field = _BY_HEADER.get(key)
            if field is None:
                unknown.append(str(header).strip())
            elif field in fields:
                repeated.append(str(header).strip())
            fields.append(field)
        problems = []
        if unknown:
            problems.append(f"unknown columns: {', '.join(unknown)}")
        if repeated:
            problems.append(f"columns naming a field already given: {', '.join(repeated)}")
        missing = [f"{HEADERS[f][0]} ({f})" for f in REQUIRED if f not in fields]
        if missing:
            problems.append(f"missing columns: {', '.join(missing)}")
        if problems:
            raise RosterRefused(problems)
        return cls(tuple(fields))

    def cells(self, row: Sequence[Any]) -> dict[str, Any]:
        """The row's non-empty cells by field."""
        return {
            field: value
            for field, value in zip(self.fields, row, strict=False)
            if field is not None and not _blank(value)
        }


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class RosterVocabularies:
    """What cells are read against: streets, skills and the member units by name."""

    streets: Vocabulary
    skills: Vocabulary
    organisations: Mapping[str, str]


def sign_up_form(
    cells: Mapping[str, Any], known: RosterVocabularies
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The sign-up form of a row's cells (source `import`, consent given by the office), and
    the reasons of the cells that cannot even be read, by field."""
    form: dict[str, Any] = {"consent": True, "source": "import"}
    errors: dict[str, list[str]] = {}
    for field, value in cells.items():
        try:
            form[field] = _READERS[field](value, known)
        except ValueError as error:
            errors[field] = [str(error)]
    return form, errors


def _text(value: Any, _known: RosterVocabularies | None = None) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _id_number(value: Any, _known: RosterVocabularies) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 1e15:
        raise ValueError(NUMBER_LOST_DIGITS)
    return _text(value)


def _birth_date(value: Any, _known: RosterVocabularies) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _text(value)
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError("not a date: write it as 2008-05-01")


def _gender(value: Any, _known: RosterVocabularies) -> str:
    gender = GENDERS.get(_text(value).lower())
    if gender is None:
        raise ValueError("must be 男 or 女")
    return gender


def _street(value: Any, known: RosterVocabularies) -> str:
    text = _text(value)
    return known.streets.code_of(text) or known.streets.code_of(f"{text}街道") or text


def _skills(value: Any, known: RosterVocabularies) -> list[str]:
    return [known.skills.code_of(s) or s for s in SKILL_SEPARATORS.split(_text(value)) if s]


def _organisation(value: Any, known: RosterVocabularies) -> str:
    text = _text(value)
    if text in known.organisations:
        return known.organisations[text]
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise ValueError(NO_SUCH_ORGANISATION) from None


def _yes_or_no(value: Any, _known: RosterVocabularies) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError("must be 是 or 否")


_READERS = {
    "name": _text,
    "phone": _text,
    "id_number": _id_number,
    "email": _text,
    "birth_date": _birth_date,
    "gender": _gender,
    "street": _street,
    "skills": _skills,
    "organisation_id": _organisation,
    "guardian_consent": _yes_or_no,
}
