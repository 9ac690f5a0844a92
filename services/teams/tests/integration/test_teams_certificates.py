"""Certificates of volunteer service through the API, on SQLite and PostgreSQL: issued, listed,
printed (text and QR code read back from the PDF), verified offline, kept verifiable after a
withdrawal, and bad requests refused without a trace."""

from __future__ import annotations

import base64
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from certificates_testkit import (
    MASKED_ID,
    credit_many,
    first_page_image,
    is_blank,
    page_count,
    pdf_text,
    qr_texts,
    registered_v2,
)
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from association.process_secrets import CERTIFICATE_SIGNING_KEY
from support.tokens import role_bearer
from teams.adapters.volunteers import find_volunteer
from teams.domain.certificates import CHINA_STANDARD_TIME, canonical_bytes
from teams_testkit import READER, WRITER, Kit, teams_kit, withdrawn

SIGNED_FIELDS = ("number", "name", "total_hours", "activity_count", "period", "issued_at", "issuer")


def volunteer_with_hours(kit: Kit, name: str = "刘玉珠") -> tuple[uuid.UUID, list[str]]:
    """A volunteer (version 2 sign-up, ID number masked) with three completed activities worth
    1.25 + 2 + 0.75 hours, and one cancelled; the activities' titles."""
    volunteer_id = uuid.uuid4()
    kit.deliver(registered_v2(volunteer_id, name))
    team = kit.team()
    assert kit.assign(team["team_id"], volunteer_id).status_code == 201
    titles = []
    for hours_ago, hours, title in (
        (3, "1.25", "五一广场文明交通劝导"),
        (27, "2", "江浦街道垃圾分类督导"),
        (51, "0.75", "滨江巡河护江"),
    ):
        activity = kit.activity(
            team["team_id"], hours_ago=hours_ago, title=title, organising_unit="浦口区城市治理办"
        ).get_json()
        assert kit.complete(activity["activity_id"], [(volunteer_id, hours)]).status_code == 201
        titles.append(title)
    cancelled = kit.activity(team["team_id"], hours_ago=5, title="取消的活动").get_json()
    kit.client.post(
        f"/activities/{cancelled['activity_id']}/cancellation",
        json={"reason": "雨"},
        headers=WRITER,
    )
    return volunteer_id, titles


def own_token(volunteer_id: uuid.UUID) -> dict[str, str]:
    return role_bearer("volunteer", str(volunteer_id))


def issue(kit: Kit, volunteer_id: uuid.UUID, **period: Any) -> Any:
    return kit.client.post(
        f"/volunteers/{volunteer_id}/certificates", json=period, headers=own_token(volunteer_id)
    )


def public_key(kit: Kit) -> Any:
    answer = kit.client.get("/certificates/public-key")
    assert answer.status_code == 200
    assert answer.content_type.startswith("application/x-pem-file")
    return load_pem_public_key(answer.data)


def verify_offline(key: Any, verification: dict[str, Any]) -> None:
    """What a school does: the signature over the canonical bytes of the signed fields."""
    signed = {field: verification[field] for field in SIGNED_FIELDS}
    key.verify(base64.b64decode(verification["signature"]), canonical_bytes(signed))


def test_a_volunteer_s_certificate_states_their_hours_and_verifies_offline(kit: Kit) -> None:
    volunteer_id, _titles = volunteer_with_hours(kit)

    answer = issue(kit, volunteer_id)

    assert answer.status_code == 201, answer.get_json()
    issued = answer.get_json()
    year = datetime.now(CHINA_STANDARD_TIME).year
    assert issued["number"] == f"ZYZM-{year}-000001"
    assert issued["total_hours"] == "4.00" and issued["activity_count"] == 3
    assert issued["period_from"] is None and issued["period_to"] is None
    assert issued["verification_url"] == (
        f"http://localhost/certificates/{issued['number']}/verification"
    )
    pdf_path = f"/volunteers/{volunteer_id}/certificates/{issued['number']}.pdf"
    assert issued["pdf_url"] == f"http://localhost{pdf_path}"
    assert answer.headers["Location"] == pdf_path
    assert kit.event_types()[-1] == "CertificateIssued"
    assert MASKED_ID not in answer.get_data(as_text=True)

    listed = kit.client.get(f"/volunteers/{volunteer_id}/certificates", headers=READER)
    assert listed.status_code == 200
    assert [c["number"] for c in listed.get_json()] == [issued["number"]]

    verification = kit.client.get(issued["verification_url"].removeprefix("http://localhost"))
    assert verification.status_code == 200
    body = verification.get_json()
    assert body["valid"] is True
    assert body["name"] == "刘*珠"
    assert body["total_hours"] == "4.00" and body["activity_count"] == 3
    assert body["period"] == {"from": None, "to": None}
    assert body["issuer"] == "城市治理志愿者协会"
    assert datetime.fromisoformat(body["issued_at"]).utcoffset() == timedelta(0)
    assert "刘玉珠" not in verification.get_data(as_text=True)
    assert MASKED_ID not in verification.get_data(as_text=True)

    key = public_key(kit)
    verify_offline(key, body)
    changes: dict[str, Any] = {
        "number": f"ZYZM-{year}-000002",
        "name": "刘*玉",
        "total_hours": "40.00",
        "activity_count": 4,
        "period": {"from": "2020-01-01", "to": None},
        "issued_at": "2020-01-01T00:00:00+00:00",
        "issuer": "另一个协会",
    }
    for field, value in changes.items():
        with pytest.raises(InvalidSignature):
            verify_offline(key, body | {field: value})


def test_the_pdf_prints_the_certificate_and_its_qr_code_leads_to_the_verification(
    kit: Kit,
) -> None:
    volunteer_id, titles = volunteer_with_hours(kit)
    issued = issue(kit, volunteer_id).get_json()

    answer = kit.client.get(
        issued["pdf_url"].removeprefix("http://localhost"), headers=own_token(volunteer_id)
    )

    assert answer.status_code == 200
    assert answer.content_type == "application/pdf"
    text = pdf_text(answer.data)
    for shown in (
        "志愿服务证明",
        "刘玉珠",
        MASKED_ID,
        "4.00",
        issued["number"],
        "城市治理志愿者协会",
    ):
        assert shown in text, shown
    assert "参加志愿服务活动 3 次" in text
    for title, hours in zip(titles, ("1.25", "2.00", "0.75"), strict=True):
        assert title in text and hours in text
    assert text.count("浦口区城市治理办") == 3  # each activity's organising unit
    assert "取消的活动" not in text
    page = first_page_image(answer.data)
    assert not is_blank(page)
    assert qr_texts(page) == [issued["verification_url"]]


def test_a_period_counts_only_the_activities_that_started_in_it(kit: Kit) -> None:
    volunteer_id, titles = volunteer_with_hours(kit)
    latest = (datetime.now(UTC) - timedelta(hours=3)).astimezone(CHINA_STANDARD_TIME).date()

    answer = issue(kit, volunteer_id, **{"from": latest.isoformat(), "to": latest.isoformat()})

    assert answer.status_code == 201, answer.get_json()
    issued = answer.get_json()
    assert issued["period_from"] == issued["period_to"] == latest.isoformat()
    assert issued["activity_count"] >= 1 and issued["total_hours"] != "4.00"
    verification = kit.client.get(f"/certificates/{issued['number']}/verification").get_json()
    assert verification["period"] == {"from": latest.isoformat(), "to": latest.isoformat()}
    verify_offline(public_key(kit), verification)
    text = pdf_text(
        kit.client.get(
            f"/volunteers/{volunteer_id}/certificates/{issued['number']}.pdf", headers=READER
        ).data
    )
    assert titles[0] in text and titles[2] not in text


def test_after_a_withdrawal_the_certificate_verifies_but_its_pdf_is_gone(kit: Kit) -> None:
    volunteer_id, _ = volunteer_with_hours(kit)
    issued = issue(kit, volunteer_id).get_json()

    kit.deliver(withdrawn(volunteer_id, 2))

    verification = kit.client.get(f"/certificates/{issued['number']}/verification")
    assert verification.status_code == 200
    body = verification.get_json()
    assert body["valid"] is True and body["name"] == "刘*珠"
    verify_offline(public_key(kit), body)
    pdf = f"/volunteers/{volunteer_id}/certificates/{issued['number']}.pdf"
    assert kit.client.get(pdf, headers=READER).status_code == 404
    assert (
        kit.client.get(f"/volunteers/{volunteer_id}/certificates", headers=READER).status_code
        == 404
    )
    again = kit.client.post(f"/volunteers/{volunteer_id}/certificates", json={}, headers=WRITER)
    assert again.status_code == 404
    with kit.context.database.reader() as session:
        known = find_volunteer(session, volunteer_id)
    assert known is not None and known.name is None and known.id_number_masked is None


def test_bad_requests_are_refused_naming_the_fields_and_change_nothing(kit: Kit) -> None:
    volunteer_id, _ = volunteer_with_hours(kit)
    events = kit.event_types()
    future = (datetime.now(CHINA_STANDARD_TIME) + timedelta(days=30)).date().isoformat()

    backwards = issue(kit, volunteer_id, **{"from": "2026-06-02", "to": "2026-06-01"})
    assert backwards.status_code == 422
    assert {"from", "to"} <= set(backwards.get_json()["errors"]["json"])
    empty = issue(kit, volunteer_id, **{"from": future})
    assert empty.status_code == 422
    assert {"from", "to"} <= set(empty.get_json()["errors"]["json"])
    malformed = issue(kit, volunteer_id, **{"from": "2026-13-01"})
    assert malformed.status_code == 422 and "from" in malformed.get_json()["errors"]["json"]
    idle = uuid.uuid4()
    kit.deliver(registered_v2(idle, "王芳"))
    assert issue(kit, idle).status_code == 422
    unknown = kit.client.post(f"/volunteers/{uuid.uuid4()}/certificates", json={}, headers=WRITER)
    assert unknown.status_code == 404
    assert kit.event_types() == events

    for number in (
        "ZYZM-2026-999999",
        "abc",
        "ZYZM-2026-1",
        "Z" * 300,
        "证明",
        "ZYZM-2026-0000%2F1",
    ):
        answer = kit.client.get(f"/certificates/{number}/verification")
        assert answer.status_code == 404, number
    other_id, _ = volunteer_with_hours(kit, "张三丰")
    others = issue(kit, other_id).get_json()["number"]
    mine = f"/volunteers/{volunteer_id}/certificates/{others}.pdf"
    assert kit.client.get(mine, headers=READER).status_code == 404
    assert (
        kit.client.get(
            f"/volunteers/{volunteer_id}/certificates/nonsense.pdf", headers=READER
        ).status_code
        == 404
    )


def test_a_volunteer_reaches_only_their_own_certificates(kit: Kit) -> None:
    volunteer_id, _ = volunteer_with_hours(kit)
    other_id, _ = volunteer_with_hours(kit, "张三丰")
    number = issue(kit, other_id).get_json()["number"]
    mine = own_token(volunteer_id)
    assert (
        kit.client.post(f"/volunteers/{other_id}/certificates", json={}, headers=mine).status_code
        == 404
    )
    assert kit.client.get(f"/volunteers/{other_id}/certificates", headers=mine).status_code == 404
    pdf = f"/volunteers/{other_id}/certificates/{number}.pdf"
    assert kit.client.get(pdf, headers=mine).status_code == 404
    assert kit.client.get(pdf).status_code == 401


def test_the_masked_id_number_and_age_are_kept_but_never_answered(kit: Kit) -> None:
    volunteer_id, _ = volunteer_with_hours(kit)
    with kit.context.database.reader() as session:
        known = find_volunteer(session, volunteer_id)
    assert known is not None
    assert known.id_number_masked == MASKED_ID and known.minor is False
    answers = [
        kit.client.get(f"/volunteers/{volunteer_id}/hours", headers=READER),
        kit.client.get(f"/volunteers/{volunteer_id}/certificates", headers=READER),
        kit.client.get("/teams", headers=READER),
        kit.client.get("/events?after=0&limit=1000", headers=role_bearer("office", "office-1")),
    ]
    for answer in answers:
        assert answer.status_code == 200
        assert MASKED_ID not in answer.get_data(as_text=True)


def test_five_hundred_activities_continue_on_further_pages(tmp_path: Any, amqp_url: str) -> None:
    with teams_kit(f"sqlite:///{tmp_path / 'teams.db'}", amqp_url) as kit:
        volunteer_id = uuid.uuid4()
        kit.deliver(registered_v2(volunteer_id))
        team = kit.team()
        kit.assign(team["team_id"], volunteer_id)
        credit_many(kit, team["team_id"], volunteer_id, 500)
        issued = issue(kit, volunteer_id).get_json()
        assert issued["activity_count"] == 500 and issued["total_hours"] == "750.00"
        pdf = kit.client.get(issued["pdf_url"].removeprefix("http://localhost"), headers=READER)
        assert pdf.status_code == 200
        assert page_count(pdf.data) > 10
        text = pdf_text(pdf.data)
        for n in (1, 250, 500):
            assert f"社区垃圾分类桶边督导{n}\n" in text or f"社区垃圾分类桶边督导{n}" in text
        assert text.count("社区垃圾分类桶边督导") == 500
        assert "出具单位：城市治理志愿者协会" in text


def test_numbers_stay_unique_under_concurrent_issuance(
    postgres_schema_url: str, amqp_url: str
) -> None:
    with teams_kit(postgres_schema_url, amqp_url) as kit:
        volunteers = [volunteer_with_hours(kit, f"志愿者{n}")[0] for n in range(3)]
        askers = [volunteers[n % 3] for n in range(8)]
        start = threading.Barrier(len(askers))
        answers: list[Any] = []

        def ask(volunteer_id: uuid.UUID) -> None:
            client = kit.app.test_client()
            start.wait()
            answers.append(
                client.post(f"/volunteers/{volunteer_id}/certificates", json={}, headers=WRITER)
            )

        threads = [threading.Thread(target=ask, args=(v,)) for v in askers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert [a.status_code for a in answers] == [201] * 8
        numbers = sorted(a.get_json()["number"] for a in answers)
        year = datetime.now(CHINA_STANDARD_TIME).year
        assert numbers == [f"ZYZM-{year}-{n:06d}" for n in range(1, 9)]
        assert kit.event_types().count("CertificateIssued") == 8


def test_the_links_use_the_public_base_url_when_set(
    database_url: str, amqp_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://teams.example.org/")
    monkeypatch.setenv("ASSOCIATION_NAME", "浦口区城市治理志愿者协会")
    with teams_kit(database_url, amqp_url) as kit:
        volunteer_id, _ = volunteer_with_hours(kit)
        issued = issue(kit, volunteer_id).get_json()
        assert issued["verification_url"] == (
            f"https://teams.example.org/certificates/{issued['number']}/verification"
        )
        assert issued["pdf_url"].startswith("https://teams.example.org/volunteers/")
        pdf = kit.client.get(
            f"/volunteers/{volunteer_id}/certificates/{issued['number']}.pdf", headers=READER
        )
        assert qr_texts(first_page_image(pdf.data)) == [issued["verification_url"]]
        verification = kit.client.get(f"/certificates/{issued['number']}/verification")
        assert verification.get_json()["issuer"] == "浦口区城市治理志愿者协会"


def test_a_version_1_sign_up_is_kept_with_no_id_number_or_age(kit: Kit) -> None:
    volunteer_id = kit.volunteer()  # registration's version 1, upcast
    with kit.context.database.reader() as session:
        known = find_volunteer(session, volunteer_id)
    assert known is not None and known.name == "刘玉珠"
    assert known.id_number_masked is None and known.minor is None


def test_a_repeated_issue_under_one_idempotency_key_issues_one_certificate(kit: Kit) -> None:
    volunteer_id, _ = volunteer_with_hours(kit)
    headers = own_token(volunteer_id) | {"Idempotency-Key": "certificate-1"}
    path = f"/volunteers/{volunteer_id}/certificates"

    first = kit.client.post(path, json={}, headers=headers)
    again = kit.client.post(path, json={}, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.get_json()["number"] == first.get_json()["number"]
    assert kit.event_types().count("CertificateIssued") == 1


def test_a_certificate_signed_with_another_key_reads_as_not_valid(
    database_url: str, amqp_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with teams_kit(database_url, amqp_url) as kit:
        volunteer_id, _ = volunteer_with_hours(kit)
        number = issue(kit, volunteer_id).get_json()["number"]
    monkeypatch.setenv("CERTIFICATE_SIGNING_KEY", CERTIFICATE_SIGNING_KEY.generate())
    with teams_kit(database_url, amqp_url) as replaced:
        answer = replaced.client.get(f"/certificates/{number}/verification")
        assert answer.status_code == 200 and answer.get_json()["valid"] is False
        with pytest.raises(InvalidSignature):
            verify_offline(public_key(replaced), answer.get_json())
