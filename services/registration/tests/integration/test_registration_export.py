"""`GET /volunteers/export` on SQLite and PostgreSQL: a file Excel opens, phones masked, formulas
inert, a coordinator's own organisation only."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from association.auth import issue_token
from registration.adapters.volunteer_export import HEADERS
from registration.api import export
from registration.definition import SERVICE
from support.apps import context_of, make_app
from support.sign_ups import sign_up_form
from support.tokens import SECRET, bearer

READER = bearer("volunteers:read")
ADMIN = bearer("admin")


@pytest.fixture
def app(database_url: str, amqp_url: str) -> Flask:
    app = make_app(SERVICE, database_url, amqp_url=amqp_url)
    yield app
    context_of(app).database.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def organisation(client: FlaskClient, name: str) -> str:
    response = client.post(
        "/organisations", json={"name": name, "kind": "university"}, headers=ADMIN
    )
    return response.get_json()["organisation_id"]


def sign_up(client: FlaskClient, **fields) -> str:
    response = client.post("/volunteers", json=sign_up_form(**fields))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["volunteer_id"]


def coordinator_of(organisation_id: str) -> dict[str, str]:
    token = issue_token(
        SECRET,
        "coordinator-1",
        ["volunteers:read", "teams:write"],
        role="coordinator",
        org=organisation_id,
    )
    return {"Authorization": f"Bearer {token}"}


def exported_csv(client: FlaskClient, headers: dict[str, str]) -> list[list[str]]:
    response = client.get("/volunteers/export?format=csv", headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_csv_opens_with_a_bom_chinese_headers_masked_phones_and_inert_formulas(
    client: FlaskClient,
) -> None:
    unit = organisation(client, "南京大学")
    first = sign_up(client, email="liu@example.cn", organisation_id=unit)
    second = sign_up(client, name="=1+2", phone="13900001111", street="qiaolin", skills=[])
    rows = exported_csv(client, READER)
    assert rows[0] == list(HEADERS)
    by_id = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    assert set(by_id) == {first, second}
    assert by_id[first]["姓名"] == "刘明珠"
    assert by_id[first]["手机号"] == "138****5678"
    assert by_id[first]["邮箱"] == "l***@example.cn"
    assert by_id[first]["街道"] == "江浦街道"
    assert by_id[first]["技能"] == "急救、文明交通劝导"
    assert by_id[first]["单位"] == "南京大学"
    assert by_id[second]["姓名"] == "'=1+2"
    assert by_id[second]["手机号"] == "139****1111"
    assert "13812345678" not in "".join(",".join(row) for row in rows)


def test_the_xlsx_holds_the_same_rows(client: FlaskClient) -> None:
    volunteer = sign_up(client, name="@SUM(A1)")
    response = client.get("/volunteers/export?format=xlsx", headers=READER)
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.get_data()), read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(HEADERS)
    assert rows[1][:3] == [volunteer, "'@SUM(A1)", "138****5678"]


def test_a_coordinator_exports_only_its_own_organisation(client: FlaskClient) -> None:
    own, other = organisation(client, "南京大学"), organisation(client, "东南大学")
    ours = sign_up(client, organisation_id=own)
    sign_up(client, phone="13900001111", organisation_id=other)
    sign_up(client, phone="13900002222")
    rows = exported_csv(client, coordinator_of(own))
    assert [row[0] for row in rows[1:]] == [ours]
    assert len(exported_csv(client, READER)) == 4


def test_the_export_pages_through_more_volunteers_than_a_page(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "PAGE_ROWS", 2)
    made = [sign_up(client, phone=f"1390000{n:04d}") for n in range(5)]
    rows = exported_csv(client, READER)
    assert [row[0] for row in rows[1:]] == made


def test_the_export_needs_the_read_scope(client: FlaskClient) -> None:
    assert client.get("/volunteers/export").status_code == 401
    assert client.get("/volunteers/export", headers=bearer("teams:write")).status_code == 403
    assert client.get("/volunteers/export?format=pdf", headers=READER).status_code == 422
