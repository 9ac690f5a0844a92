"""What a certificate states, the bytes that are signed, its number and the activities it counts."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from teams.config import TeamsSettings
from teams.domain.certificates import (
    CHINA_STANDARD_TIME,
    Period,
    Statement,
    certificate_number,
    certified,
    draw_up,
    next_number,
    parse_number,
    year_of_issue,
)
from teams.domain.errors import Invalid

ISSUED = datetime(2026, 12, 5, 8, 30, 15, 123456, tzinfo=UTC)


def test_the_canonical_bytes_are_sorted_compact_utf8_json() -> None:
    statement = Statement(
        "ZYZM-2026-000001",
        "刘*珠",
        Decimal("7.5"),
        3,
        Period(date(2026, 1, 1), None),
        datetime(2026, 12, 5, 16, 30, tzinfo=CHINA_STANDARD_TIME),
        "城市治理志愿者协会",
    )
    assert (
        statement.canonical()
        == (
            '{"activity_count":3,"issued_at":"2026-12-05T08:30:00+00:00","issuer":"城市治理志愿者协会",'
            '"name":"刘*珠","number":"ZYZM-2026-000001","period":{"from":"2026-01-01","to":null},'
            '"total_hours":"7.50"}'
        ).encode()
    )


def test_numbers_follow_the_year_of_issue_in_china_and_count_on() -> None:
    assert year_of_issue(datetime(2026, 12, 31, 16, 0, tzinfo=UTC)) == 2027
    assert year_of_issue(datetime(2026, 12, 31, 15, 59, tzinfo=UTC)) == 2026
    assert next_number(2026, None) == "ZYZM-2026-000001"
    assert next_number(2026, 41) == "ZYZM-2026-000042"
    assert parse_number(certificate_number(2027, 1_000_000)) == (2027, 1_000_000)
    for malformed in ("", "ZYZM-2026-1", "zyzm-2026-000001", "ZYZM-26-000001", "ZYZM-2026-00000１"):
        assert parse_number(malformed) is None


def test_a_period_holds_activities_by_their_china_date() -> None:
    period = Period(date(2026, 12, 1), date(2026, 12, 1))
    assert period.holds(datetime(2026, 11, 30, 16, 0, tzinfo=UTC))  # 00:00 on the 1st in China
    assert not period.holds(datetime(2026, 11, 30, 15, 59, tzinfo=UTC))
    assert not period.holds(datetime(2026, 12, 1, 16, 0, tzinfo=UTC))
    assert Period().holds(datetime(2000, 1, 1, tzinfo=UTC))


def test_a_period_that_ends_before_it_starts_names_both_fields() -> None:
    with pytest.raises(Invalid) as refused:
        Period(date(2026, 6, 2), date(2026, 6, 1)).check()
    assert set(refused.value.errors) == {"from", "to"}


def test_only_activities_with_hours_in_the_period_are_counted_in_order() -> None:
    first, second, empty, outside = (uuid.uuid4() for _ in range(4))
    day = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
    credits = [
        (second, day + timedelta(hours=3), Decimal("2.00")),
        (first, day, Decimal("1.25")),
        (empty, day, Decimal("0.00")),
        (outside, day - timedelta(days=40), Decimal("3.00")),
    ]
    counted = certified(credits, Period(date(2026, 5, 1), None))
    assert [(a.activity_id, a.hours) for a in counted] == [
        (first, Decimal("1.25")),
        (second, Decimal("2.00")),
    ]
    statement = draw_up("ZYZM-2026-000001", "刘玉珠", counted, Period(), ISSUED, "协会")
    assert statement.name_masked == "刘*珠"
    assert statement.total_hours == Decimal("3.25") and statement.activity_count == 2
    assert statement.issued_at == ISSUED.replace(microsecond=0)


def test_a_period_without_hours_names_both_fields() -> None:
    with pytest.raises(Invalid) as refused:
        draw_up("ZYZM-2026-000001", "刘玉珠", (), Period(), ISSUED, "协会")
    assert set(refused.value.errors) == {"from", "to"}


def test_the_settings_of_certificates_are_read_and_checked() -> None:
    settings = TeamsSettings.from_env({"PUBLIC_BASE_URL": "https://teams.example.org/"})
    assert settings.public_base_url == "https://teams.example.org"
    assert settings.association_name == "城市治理志愿者协会"
    assert settings.certificate_signing_key == ""
    with pytest.raises(ValueError, match="PUBLIC_BASE_URL"):
        TeamsSettings.from_env({"PUBLIC_BASE_URL": "teams.example.org"})
    with pytest.raises(ValueError, match="ASSOCIATION_NAME"):
        TeamsSettings.from_env({"ASSOCIATION_NAME": "协" * 101})
