"""Masked names, as the public stream and the public sign-up answer show them."""

from __future__ import annotations

import pytest

from association.masking import mask_name


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
