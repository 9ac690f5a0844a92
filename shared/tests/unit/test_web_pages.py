"""The web pages' server: the four pages, their modules, only the chart library of node_modules,
where the APIs are, and a Content-Security-Policy on everything."""

from __future__ import annotations

from pathlib import Path

import pytest

from association.web_pages import PAGES, create_app


@pytest.fixture
def web_root(tmp_path: Path) -> Path:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "base.html").write_text(
        "<title>{% block title %}{% endblock %}</title><nav></nav>", encoding="utf-8"
    )
    for page in PAGES.values():
        (pages / page).write_text(
            '{% extends "base.html" %}{% block title %}' + page + "{% endblock %}",
            encoding="utf-8",
        )
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "api.js").write_text("export const x = 1;\n")
    chart = tmp_path / "node_modules" / "chart.js" / "dist"
    chart.mkdir(parents=True)
    (chart / "chart.umd.min.js").write_text("/* chart */")
    (tmp_path / "node_modules" / "chart.js" / "package.json").write_text("{}")
    (tmp_path / "node_modules" / "other").mkdir()
    (tmp_path / "node_modules" / "other" / "index.js").write_text("secret")
    return tmp_path


def test_each_page_is_served_at_its_path_filling_in_the_base(web_root: Path) -> None:
    client = create_app(web_root, {}).test_client()
    for path, page in PAGES.items():
        answer = client.get(path)
        assert answer.status_code == 200
        assert answer.text == f"<title>{page}</title><nav></nav>"
        assert answer.mimetype == "text/html"
    assert client.get("/base.html").status_code == 404


def test_modules_and_the_chart_library_are_served_and_nothing_else(web_root: Path) -> None:
    client = create_app(web_root, {}).test_client()
    assert client.get("/src/api.js").mimetype == "text/javascript"
    assert client.get("/vendor/chart.js/dist/chart.umd.min.js").status_code == 200
    assert client.get("/vendor/chart.js/package.json").status_code == 404
    assert client.get("/vendor/other/index.js").status_code == 404
    assert client.get("/src/../node_modules/other/index.js").status_code == 404
    assert client.get("/nowhere").status_code == 404


def test_the_browser_is_told_where_the_apis_are(web_root: Path) -> None:
    configured = create_app(web_root, {"WEB_TEAMS_URL": "https://teams.example.cn"})
    body = configured.test_client().get("/config.js").text
    assert '"teams": "https://teams.example.cn"' in body and '"registration": null' in body


def test_pages_may_call_only_here_and_the_apis(web_root: Path) -> None:
    client = create_app(web_root, {"WEB_TEAMS_URL": "https://teams.example.cn"}).test_client()
    policy = client.get("/", headers={"Host": "volunteer.example.cn:8080"}).headers[
        "Content-Security-Policy"
    ]
    connect = next(p for p in policy.split("; ") if p.startswith("connect-src"))
    assert connect.split() == [
        "connect-src",
        "'self'",
        "http://volunteer.example.cn:8081",
        "https://teams.example.cn",
        "http://volunteer.example.cn:8083",
    ]
    assert "script-src 'self'" in policy
