"""`POST /volunteers/imports` over HTTP (Flask test client), on SQLite and PostgreSQL: files of
volunteers signed up row by row as sign-ups are, their reports kept, nothing created twice."""

from __future__ import annotations

import io
import threading
import time
import uuid
from datetime import date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import event, func, select

from association.store import events_table
from registration.adapters.tables import volunteer_import_rows_table, volunteer_imports_table
from registration.api.imports import MAX_UPLOAD_BYTES
from registration.definition import SERVICE
from registration.domain.identity import id_check_character
from support.apps import context_of, make_app
from support.tokens import bearer

OFFICE = bearer("volunteers:write", "volunteers:read")
ADMIN = bearer("admin")
HEADER = "姓名,手机号,身份证号,邮箱,出生日期,街道,技能,单位,监护人同意"


@pytest.fixture
def app(database_url: str, amqp_url: str) -> Flask:
    app = make_app(SERVICE, database_url, amqp_url=amqp_url)
    yield app
    context_of(app).database.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def resident_id(born: date, sequence: int = 2) -> str:
    first17 = f"320111{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


def upload(
    client: FlaskClient, content: bytes, name: str = "名单.csv", headers: dict | None = None
):
    return client.post(
        "/volunteers/imports",
        data={"file": (io.BytesIO(content), name)},
        headers=OFFICE | (headers or {}),
        content_type="multipart/form-data",
    )


def csv_file(*lines: str, header: str = HEADER) -> bytes:
    return ("\ufeff" + "\r\n".join([header, *lines]) + "\r\n").encode()


def event_count(app: Flask) -> int:
    with context_of(app).database.reader() as session:
        return session.execute(select(func.count()).select_from(events_table)).scalar_one()


def outcomes(report: dict) -> dict[int, str]:
    return {row["row"]: row["outcome"] for row in report["rows"]}


def test_a_csv_with_chinese_headers_signs_everyone_up_as_a_sign_up_would(
    client: FlaskClient,
) -> None:
    unit = client.post(
        "/organisations", json={"name": "南京大学", "kind": "university"}, headers=ADMIN
    )
    born = date(1990, 3, 4)
    response = upload(
        client,
        csv_file(
            f"刘明珠,+86 138-1234-5678,{resident_id(born)},liu@example.cn,,"
            "江浦街道,急救、文明交通劝导,南京大学,",
            "王芳,13900001111,,,,桥林,first_aid;medical,,",
        ),
    )
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert response.headers["Location"] == f"/volunteers/imports/{report['import_id']}"
    assert report["status"] == "completed"
    assert report["file_format"] == "csv"
    assert report["counts"] == {"accepted": 2, "refused": 0, "already_registered": 0}
    first, second = report["rows"]
    assert first["row"] == 2 and second["row"] == 3
    volunteer = client.get(f"/volunteers/{first['volunteer_id']}", headers=OFFICE).get_json()
    assert volunteer["name"] == "刘明珠"
    assert volunteer["phone"] == "13812345678"
    assert volunteer["street"] == "jiangpu"
    assert volunteer["skills"] == ["first_aid", "traffic_civility"]
    assert volunteer["organisation_id"] == unit.get_json()["organisation_id"]
    assert volunteer["birth_date"] == "1990-03-04"
    assert volunteer["id_verified"] is True
    assert volunteer["source"] == "import"
    other = client.get(f"/volunteers/{second['volunteer_id']}", headers=OFFICE).get_json()
    assert (other["street"], other["skills"]) == ("qiaolin", ["first_aid", "medical"])
    stored = client.get(response.headers["Location"], headers=OFFICE)
    assert stored.status_code == 200
    assert stored.get_json() == report
    feed = client.get("/events", headers=bearer("events:read")).get_json()["events"]
    signed_up = [e for e in feed if e["event_type"] == "VolunteerRegistered"]
    masked = f"{resident_id(born)[:4]}**********{resident_id(born)[-4:]}"
    assert [
        (e["schema_version"], e["payload"]["minor"], e["payload"]["id_number_masked"])
        for e in signed_up
    ] == [(2, False, masked), (2, None, None)]


def test_an_xlsx_with_chinese_headers_and_spreadsheet_cells_is_read(client: FlaskClient) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "姓名*", "手机号", "性别", "出生日期", "街道", "技能", "备注"])
    sheet.append(
        [1, "陈静", 13700002222, "女", datetime(1985, 7, 1), "汤泉街道", "摄影摄像", "老会员"]
    )
    sheet.append([2, "赵强", "13700003333", "男", None, "pancheng", None, None])
    content = io.BytesIO()
    workbook.save(content)
    response = upload(client, content.getvalue(), "名单.xlsx")
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert report["file_format"] == "xlsx"
    assert outcomes(report) == {2: "accepted", 3: "accepted"}
    volunteer = client.get(
        f"/volunteers/{report['rows'][0]['volunteer_id']}", headers=OFFICE
    ).get_json()
    assert volunteer["phone"] == "13700002222"
    assert (volunteer["gender"], volunteer["birth_date"]) == ("female", "1985-07-01")
    assert (volunteer["street"], volunteer["skills"]) == ("tangquan", ["photography"])


def test_a_mixed_file_answers_each_row_with_its_reasons_and_keeps_no_personal_data(
    app: Flask, client: FlaskClient
) -> None:
    minor = date.today().replace(year=date.today().year - 15)
    child = date.today().replace(year=date.today().year - 12)
    response = upload(
        client,
        csv_file(
            "孙悦,13600004444,,,,江浦街道,,,",  # 2 accepted
            "周洁,12345,,not-an-email,,江浦街道,,,",  # 3 phone and e-mail
            "吴磊,13600005555,,,,火星街道,插花,,",  # 4 street and skill
            f"郑小明,13600006666,{resident_id(minor)},,,江浦街道,,,",  # 5 minor, no consent
            f"冯小红,13600007777,{resident_id(minor, 4)},,,江浦街道,,,是",  # 6 minor, consent
            f"钱多多,13600008888,,,{child.isoformat()},江浦街道,,,否",  # 7 under 14
            "孙悦二,13600004444,,,,江浦街道,,,",  # 8 same phone as row 2
            ",13600009999,,,,江浦街道,,无此单位,",  # 9 no name, unknown unit
            "李四,13600001234,110105194912310021,,,江浦街道,,,",  # 10 bad checksum
            "",  # blank: read past
            "王五,13600004321,,,,江浦街道,,,也许",  # 12 consent unreadable
        ),
    )
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert outcomes(report) == {
        2: "accepted",
        3: "refused",
        4: "refused",
        5: "refused",
        6: "accepted",
        7: "refused",
        8: "already_registered",
        9: "refused",
        10: "refused",
        12: "refused",
    }
    assert report["counts"] == {"accepted": 2, "refused": 7, "already_registered": 1}
    errors = {row["row"]: row.get("errors") for row in report["rows"]}
    assert set(errors[3]) == {"phone", "email"}
    assert set(errors[4]) == {"street", "skills"}
    assert errors[5] == {"guardian_consent": ["required for volunteers under 18"]}
    assert "under 14" in errors[7]["guardian_consent"][0]
    assert errors[8] == {"phone": ["already registered"]}
    assert set(errors[9]) == {"name", "organisation_id"}
    assert set(errors[10]) == {"id_number"}
    assert set(errors[12]) == {"guardian_consent"}
    assert client.get(response.headers["Location"], headers=OFFICE).get_json() == report
    refused = client.get(f"{response.headers['Location']}?outcome=refused", headers=OFFICE)
    assert [row["row"] for row in refused.get_json()["rows"]] == [3, 4, 5, 7, 9, 10, 12]
    with context_of(app).database.reader() as session:
        stored = session.execute(select(volunteer_import_rows_table)).mappings().all()
    stored_text = repr([dict(row) for row in stored])
    for personal in ("周洁", "12345", "not-an-email", "13600005555", "110105194912310021", "王五"):
        assert personal not in stored_text


def test_the_same_file_twice_creates_nothing_the_second_time(
    app: Flask, client: FlaskClient
) -> None:
    content = csv_file(
        "孙悦,13600004444,,,,江浦街道,,,",
        f"刘明珠,13812345678,{resident_id(date(1990, 3, 4))},,,江浦街道,,,",
        "周洁,12345,,,,江浦街道,,,",
    )
    first = upload(client, content).get_json()
    events = event_count(app)
    second = upload(client, content)
    assert second.status_code == 201
    report = second.get_json()
    assert report["import_id"] != first["import_id"]
    assert outcomes(report) == {2: "already_registered", 3: "already_registered", 4: "refused"}
    assert event_count(app) == events


def test_a_repeat_with_the_same_idempotency_key_replays_the_first_answer(
    app: Flask, client: FlaskClient
) -> None:
    content = csv_file("孙悦,13600004444,,,,江浦街道,,,")
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = upload(client, content, headers=key)
    assert first.status_code == 201
    events = event_count(app)
    # A client sends the same file again under a new multipart boundary.
    again = upload(client, content, headers=key)
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == first.get_json()
    assert event_count(app) == events
    other = upload(client, csv_file("王芳,13900001111,,,,江浦街道,,,"), headers=key)
    assert other.status_code == 422
    assert "Idempotency-Key" in other.get_json()["errors"]["headers"]


def test_a_refused_file_releases_its_idempotency_key(app: Flask, client: FlaskClient) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    refused = upload(client, csv_file("孙悦,13600004444", header="姓名,微信号"), headers=key)
    assert refused.status_code == 422
    accepted = upload(client, csv_file("孙悦,13600004444,,,,江浦街道,,,"), headers=key)
    assert accepted.status_code == 201


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV or XLSX file"),
        (b"PK\x03\x04 not really a workbook", "not a readable XLSX file"),
        ("姓名,微信号\n孙悦,sunyue\n".encode(), "unknown columns: 微信号"),
        ("姓名,街道\n孙悦,江浦街道\n".encode(), "missing columns: 手机号 (phone)"),
        (f"{HEADER}\n".encode(), "no rows under the header"),
    ],
)
def test_a_file_that_is_not_a_volunteers_file_is_refused_naming_it(
    app: Flask, client: FlaskClient, content: bytes, problem: str
) -> None:
    response = upload(client, content)
    assert response.status_code == 422
    assert problem in " ".join(response.get_json()["errors"]["files"]["file"])
    with context_of(app).database.reader() as session:
        imports = session.execute(select(func.count()).select_from(volunteer_imports_table))
        assert imports.scalar_one() == 0
    assert event_count(app) == 0


def test_a_file_too_large_is_413_and_a_body_not_multipart_is_415_naming_file(
    client: FlaskClient,
) -> None:
    too_large = upload(client, b"x" * (MAX_UPLOAD_BYTES + 1))
    assert too_large.status_code == 413
    as_json = client.post("/volunteers/imports", json={"file": "a,b"}, headers=OFFICE)
    assert as_json.status_code == 415
    assert "file" in as_json.get_json()["errors"]["files"]
    no_file = client.post(
        "/volunteers/imports", data={}, headers=OFFICE, content_type="multipart/form-data"
    )
    assert no_file.status_code == 422
    assert "file" in no_file.get_json()["errors"]["files"]


def test_imports_need_the_write_scope(client: FlaskClient) -> None:
    content = csv_file("孙悦,13600004444,,,,江浦街道,,,")
    anonymous = client.post(
        "/volunteers/imports",
        data={"file": (io.BytesIO(content), "a.csv")},
        content_type="multipart/form-data",
    )
    assert anonymous.status_code == 401
    reader = client.post(
        "/volunteers/imports",
        data={"file": (io.BytesIO(content), "a.csv")},
        headers=bearer("volunteers:read"),
        content_type="multipart/form-data",
    )
    assert reader.status_code == 403
    assert client.get(f"/volunteers/imports/{uuid.uuid4()}", headers=OFFICE).status_code == 404


def test_ten_thousand_rows_commit_in_batches_and_show_progress_as_they_go(
    app: Flask, client: FlaskClient, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    rows = 10_000
    content = csv_file(
        *(f"志愿者{n},13{n:09d},,,,江浦街道,急救,," for n in range(rows)),
    )
    database = context_of(app).database
    commits: list[float] = []
    event.listen(database.engine, "commit", lambda _connection: commits.append(time.monotonic()))
    seen_midway: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            with database.reader() as session:
                found = session.execute(
                    select(volunteer_imports_table.c.accepted).where(
                        volunteer_imports_table.c.status == "running"
                    )
                ).scalar_one_or_none()
            if found is not None and 0 < found < rows:
                seen_midway.append(found)
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    started = time.monotonic()
    with caplog.at_level("INFO", logger="association.progress"):
        response = upload(client, content)
    elapsed = time.monotonic() - started
    done.set()
    watcher.join()
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["counts"]["accepted"] == rows
    assert event_count(app) == rows
    # One commit per batch of 200 rows, one to start and one to finish the report.
    assert len(commits) >= rows // 200 + 2
    assert seen_midway, "no reader saw the import part done"
    progress = [r.getMessage() for r in caplog.records if r.name == "association.progress"]
    assert any(f"{rows}/{rows}" in line for line in progress)
    assert any(f"/{rows} rows" in line and f"{rows}/{rows}" not in line for line in progress)
    print(f"\n10,000-row import on {database_url.partition(':')[0]}: {elapsed:.1f} s")
