"""Resident ID numbers (GB 11643), mobile phones and masks."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registration.domain.identity import (
    IdentityError,
    age_on,
    id_check_character,
    mask_email,
    mask_id_number,
    mask_phone,
    normalise_phone,
    parse_resident_id,
)

TODAY = date(2026, 11, 28)


def test_the_documented_example_is_valid() -> None:
    resident = parse_resident_id("11010519491231002X", TODAY)
    assert resident.birth_date == date(1949, 12, 31)
    assert resident.gender == "female"
    assert resident.masked == "110***********002X"


def test_a_lowercase_x_is_accepted() -> None:
    assert parse_resident_id("11010519491231002x", TODAY).number.endswith("X")


birth_dates = st.dates(min_value=date(1920, 1, 1), max_value=date(2026, 11, 27))


def build_id(region: str, birth: date, sequence: int) -> str:
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


@given(
    region=st.from_regex(r"[1-6]\d{5}", fullmatch=True),
    birth=birth_dates,
    sequence=st.integers(0, 999),
)
def test_every_well_formed_number_parses_back(region: str, birth: date, sequence: int) -> None:
    resident = parse_resident_id(build_id(region, birth, sequence), TODAY)
    assert resident.birth_date == birth
    assert resident.gender == ("male" if sequence % 2 else "female")


@given(
    region=st.from_regex(r"[1-6]\d{5}", fullmatch=True),
    birth=birth_dates,
    sequence=st.integers(0, 999),
    position=st.integers(0, 16),
    delta=st.integers(1, 9),
)
def test_any_single_digit_change_breaks_the_checksum_or_the_date(
    region: str, birth: date, sequence: int, position: int, delta: int
) -> None:
    number = build_id(region, birth, sequence)
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    with pytest.raises(IdentityError):
        parse_resident_id(changed, TODAY)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("1101051949123100", "18 characters"),
        ("11010519491231002Y", "18 characters"),
        ("110105194912310021", "check character"),
        (build_id("110105", date(2030, 1, 1), 1), "plausible past date"),
        ("110105" + "19490230" + "002" + id_check_character("11010519490230002"), "real date"),
    ],
)
def test_bad_numbers_say_why(number: str, reason: str) -> None:
    with pytest.raises(IdentityError, match=reason):
        parse_resident_id(number, TODAY)


@given(
    digits=st.from_regex(r"1[3-9]\d{9}", fullmatch=True),
    prefix=st.sampled_from(["", "+86", "0086", "+86 ", "0086-"]),
    separators=st.lists(st.sampled_from([" ", "-"]), min_size=10, max_size=10),
)
def test_phone_normalisation_keeps_only_the_eleven_digits(
    digits: str, prefix: str, separators: list[str]
) -> None:
    spaced = digits[0] + "".join(sep + d for sep, d in zip(separators, digits[1:], strict=True))
    assert normalise_phone(prefix + spaced) == digits


@pytest.mark.parametrize(
    "phone", ["12812345678", "1381234567", "138123456789", "+1 13812345678", "abc"]
)
def test_non_mobile_numbers_are_refused(phone: str) -> None:
    with pytest.raises(IdentityError):
        normalise_phone(phone)


def test_masks_and_age() -> None:
    assert mask_email("liu@example.cn") == "l***@example.cn"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number("11010519491231002X") == "110***********002X"
    assert age_on(date(2008, 11, 29), TODAY) == 17
    assert age_on(date(2008, 11, 28), TODAY) == 18
