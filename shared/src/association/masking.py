"""How a person's name is shown where it must not be read in full (刘*珠, 王*)."""

from __future__ import annotations


def mask_name(name: str) -> str:
    """Keep the first character, and the last of three or more; star the rest.

    `刘明珠` → `刘*珠`, `欧阳娜娜` → `欧**娜`, `王芳` → `王*`; a single character is all starred.
    """
    name = name.strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"


def mask_id_number(number: str) -> str:
    """A resident ID number as events carry it: the first 4 and the last 4 characters, 10 starred
    between (`3201**********123X`)."""
    return f"{number[:4]}{'*' * 10}{number[-4:]}"
