"""Rules for identity documents and contact data: resident ID numbers, mobile phones, masking.

Resident ID numbers follow GB 11643-1999: 17 digits (region, birth date YYYYMMDD, sequence whose
last digit is odd for men and even for women) and a check character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"
_ID_SHAPE = re.compile(r"\d{17}[\dX]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_PHONE_SEPARATORS = re.compile(r"[\s\-()]")


class IdentityError(ValueError):
    """A value that breaks an identity rule; the message says which."""


@dataclass(frozen=True)
class ResidentId:
    """A verified resident ID number and what it tells."""

    number: str
    birth_date: date
    gender: str

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


def id_check_character(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def parse_resident_id(value: str, today: date) -> ResidentId:
    """Verify shape, checksum and birth date (a real date, not in the future)."""
    number = value.strip().upper()
    if not _ID_SHAPE.fullmatch(number):
        raise IdentityError("must be 18 characters: 17 digits and a digit or X")
    if id_check_character(number[:17]) != number[17]:
        raise IdentityError("check character does not match (GB 11643)")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as error:
        raise IdentityError("embedded birth date is not a real date") from error
    if birth > today or birth.year < 1900:
        raise IdentityError("embedded birth date is not a plausible past date")
    gender = "male" if int(number[16]) % 2 else "female"
    return ResidentId(number=number, birth_date=birth, gender=gender)


def normalise_phone(value: str) -> str:
    """A mainland mobile number as 11 digits; `+86`/`0086`, spaces and dashes are removed."""
    phone = _PHONE_SEPARATORS.sub("", value.strip())
    for prefix in ("+86", "0086"):
        if phone.startswith(prefix):
            phone = phone[len(prefix) :]
            break
    if not _MOBILE.fullmatch(phone):
        raise IdentityError("must be a mainland mobile number (11 digits starting 13–19)")
    return phone


def mask_phone(phone: str) -> str:
    """`13812345678` → `138****5678`."""
    return f"{phone[:3]}****{phone[-4:]}"


def mask_email(email: str) -> str:
    """`liu@example.cn` → `l***@example.cn`."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_id_number(number: str) -> str:
    """Keep the region's first 3 and the last 4 characters: `110***********002X`."""
    return f"{number[:3]}{'*' * 11}{number[-4:]}"


def age_on(birth: date, day: date) -> int:
    """Completed years of age on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
