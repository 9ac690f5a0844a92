"""Teams of member organisations, and volunteers' organisations learnt from registration's events:
what a coordinator reaches follows them."""

from __future__ import annotations

import uuid

from association.auth import issue_token
from support.tokens import SECRET
from teams_testkit import Kit, profile_updated, registered

ORG, OTHER_ORG = str(uuid.uuid4()), str(uuid.uuid4())


def coordinator_of(organisation: str) -> dict[str, str]:
    token = issue_token(
        SECRET, "coordinator", "volunteers:read teams:write", role="coordinator", org=organisation
    )
    return {"Authorization": f"Bearer {token}"}


def test_a_volunteer_s_organisation_follows_their_events(kit: Kit) -> None:
    volunteer = uuid.uuid4()
    envelope = registered(volunteer)
    kit.deliver(envelope.with_payload(envelope.payload | {"organisation_id": ORG}))
    hours = f"/volunteers/{volunteer}/hours"
    assert kit.client.get(hours, headers=coordinator_of(ORG)).status_code == 200
    assert kit.client.get(hours, headers=coordinator_of(OTHER_ORG)).status_code == 404

    kit.deliver(profile_updated(volunteer, 2, organisation_id=OTHER_ORG))
    assert kit.client.get(hours, headers=coordinator_of(ORG)).status_code == 404
    assert kit.client.get(hours, headers=coordinator_of(OTHER_ORG)).status_code == 200

    kit.deliver(profile_updated(volunteer, 3, name="刘二珠"))  # other fields leave it as it is
    assert kit.client.get(hours, headers=coordinator_of(OTHER_ORG)).status_code == 200


def test_a_team_keeps_its_organisation_and_only_its_coordinator_reaches_it(kit: Kit) -> None:
    made = kit.client.post(
        "/teams",
        json={"name": "江浦文明劝导队", "kind": "community", "organisation_id": ORG},
        headers=coordinator_of(ORG),
    )
    assert made.status_code == 201, made.get_json()
    team = made.get_json()
    assert team["organisation_id"] == ORG
    path = f"/teams/{team['team_id']}"
    assert kit.client.get(path, headers=coordinator_of(OTHER_ORG)).status_code == 404
    assert kit.client.get(path, headers=coordinator_of(ORG)).status_code == 200
    refused = kit.client.post(
        "/teams",
        json={"name": "别人的队", "kind": "community", "organisation_id": OTHER_ORG},
        headers=coordinator_of(ORG),
    )
    assert refused.status_code == 422
    assert "organisation_id" in refused.get_json()["errors"]["json"]
    assert kit.event_types() == ["TeamCreated"], "the refusal recorded nothing"
    with kit.context.database.reader() as session:
        (stored,) = kit.context.store.load(session, team["team_id"])
    assert stored.schema_version == 2 and stored.payload["organisation_id"] == ORG
