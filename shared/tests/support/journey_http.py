"""How the journeys read an answer over HTTP."""

from __future__ import annotations

import requests


def ok(response: requests.Response, status: int = 201) -> dict:
    """The response's JSON, once its status is `status`."""
    assert response.status_code == status, (response.status_code, response.text)
    return response.json() if response.content else {}
