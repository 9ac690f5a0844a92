"""Masked names, as the public stream and the public sign-up answer show them, and masked ID
numbers as VolunteerRegistered carries them."""

from __future__ import annotations

import pytest

from association.masking import mask_id_number, mask_name


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("刘丽珠", "刘*珠"),
        ("王五", "王*"),
        ("王", "*"),
        ("", "*"),
        ("欧阳娜娜", "欧**娜"),
        (" 张三丰 ", "张*丰"),
        ("Ann Lee", "A*****e"),
    ],
)
def test_a_name_keeps_its_first_and_last_character_only(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_an_id_number_keeps_its_first_and_last_four_characters() -> None:
    assert mask_id_number("32010219900101123X") == "3201**********123X"
