"""Each volunteer's organisation, learnt from registration's events in whatever order they come:
a coordinator reads the messages of their organisation's volunteers only."""

from __future__ import annotations

import uuid

from flask.testing import FlaskClient

from association.auth import issue_token
from support.tokens import SECRET

ORG, OTHER_ORG = str(uuid.uuid4()), str(uuid.uuid4())


def coordinator_of(organisation: str) -> dict[str, str]:
    token = issue_token(
        SECRET, "coordinator", "volunteers:read teams:write", role="coordinator", org=organisation
    )
    return {"Authorization": f"Bearer {token}"}


def volunteer(volunteer_id: str) -> dict[str, str]:
    token = issue_token(SECRET, volunteer_id, "self", role="volunteer")
    return {"Authorization": f"Bearer {token}"}


def test_the_latest_organisation_decides_whoever_arrives_first(
    service, events, client: FlaskClient
) -> None:
    signed_up = events.registered()
    volunteer_id = signed_up.aggregate_id
    signed_up = signed_up.with_payload(signed_up.payload | {"organisation_id": ORG})
    moved = events.profile_updated(volunteer_id, organisation_id=OTHER_ORG)
    service.apply(signed_up, moved)
    path = f"/volunteers/{volunteer_id}/notifications"
    assert client.get(path, headers=coordinator_of(OTHER_ORG)).status_code == 200
    assert client.get(path, headers=coordinator_of(ORG)).status_code == 404

    service.apply(moved)  # a redelivered older change leaves the latest organisation
    service.apply(events.profile_updated(volunteer_id, name="刘二珠"))
    assert client.get(path, headers=coordinator_of(OTHER_ORG)).status_code == 200


def test_a_volunteer_reads_their_own_messages_only(service, events, client: FlaskClient) -> None:
    mine, theirs = events.registered(), events.registered(phone="13912345678")
    service.apply(mine, theirs)
    own = client.get(
        f"/volunteers/{mine.aggregate_id}/notifications", headers=volunteer(mine.aggregate_id)
    )
    assert own.status_code == 200 and own.get_json()["notifications"]
    other = f"/volunteers/{theirs.aggregate_id}/notifications"
    assert client.get(other, headers=volunteer(mine.aggregate_id)).status_code == 404

    service.apply(events.withdrawn(mine.aggregate_id))
    gone = client.get(
        f"/volunteers/{mine.aggregate_id}/notifications", headers=volunteer(mine.aggregate_id)
    )
    assert gone.status_code == 404
