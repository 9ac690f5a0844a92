"""Operator command for a service's dead-letter queue: list what is there, replay it to the inbox.

association-dead-letters list --service teams
association-dead-letters replay --service teams [--limit N]
"""

from __future__ import annotations

import argparse
import json

import pika

from association.messaging.topology import Topology
from association.settings import Settings


def peek(channel: pika.adapters.blocking_connection.BlockingChannel, queue: str) -> list[dict]:
    """Every message in `queue`, left in place: id, type, reason of death and the body."""
    seen: list[dict] = []
    tags: list[int] = []
    while True:
        method, properties, body = channel.basic_get(queue, auto_ack=False)
        if method is None:
            break
        tags.append(method.delivery_tag)
        deaths = (properties.headers or {}).get("x-death") or [{}]
        seen.append(
            {
                "message_id": properties.message_id,
                "type": properties.type,
                "routing_key": deaths[0].get("routing-keys", [None])[0],
                "reason": deaths[0].get("reason"),
                "deaths": deaths[0].get("count"),
                "body": body.decode("utf-8", errors="replace"),
            }
        )
    for tag in tags:
        channel.basic_nack(tag, requeue=True)
    return seen


def replay(
    channel: pika.adapters.blocking_connection.BlockingChannel, topology: Topology, limit: int
) -> int:
    """Move up to `limit` dead letters back to the inbox (confirmed before each is removed)."""
    channel.confirm_delivery()
    moved = 0
    while moved < limit:
        method, properties, body = channel.basic_get(topology.dead_letter_queue, auto_ack=False)
        if method is None:
            break
        headers = {k: v for k, v in (properties.headers or {}).items() if not k.startswith("x-")}
        properties.headers = headers or None
        channel.basic_publish("", topology.inbox_queue, body, properties, mandatory=True)
        channel.basic_ack(method.delivery_tag)
        moved += 1
    return moved


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="association-dead-letters", description=__doc__)
    parser.add_argument("action", choices=["list", "show", "replay"])
    parser.add_argument("--message-id", help="with show: the event id of the message")
    parser.add_argument("--service", required=True)
    parser.add_argument("--limit", type=int, default=1000)
    args = parser.parse_args(argv)
    settings = Settings.from_env(args.service)
    topology = Topology(args.service, settings.amqp_prefix)
    connection = pika.BlockingConnection(pika.URLParameters(settings.amqp_url))
    try:
        channel = connection.channel()
        if args.action == "list":
            for message in peek(channel, topology.dead_letter_queue):
                summary = {k: v for k, v in message.items() if k != "body"}
                print(json.dumps(summary, ensure_ascii=False))
        elif args.action == "show":
            found = [
                m
                for m in peek(channel, topology.dead_letter_queue)
                if m["message_id"] == args.message_id
            ]
            if not found:
                parser.exit(1, f"no dead letter with message id {args.message_id}\n")
            print(json.dumps(found[0], ensure_ascii=False, indent=2))
        else:
            print(f"replayed {replay(channel, topology, args.limit)} messages")
    finally:
        connection.close()
