"""`association-preflight`: say in one line what is missing before the stack starts."""

from __future__ import annotations

import sys

import pika

from association.settings import Settings


def broker_problem(amqp_url: str) -> str | None:
    """None when the broker accepts a connection, else a one-line explanation with remedies."""
    parameters = pika.URLParameters(amqp_url)
    parameters.connection_attempts = 1
    parameters.socket_timeout = 3
    try:
        pika.BlockingConnection(parameters).close()
    except pika.exceptions.AMQPError as error:
        where = f"{parameters.host}:{parameters.port}"
        return (
            f"No RabbitMQ answers at {where} ({type(error).__name__}): start one "
            "(`rabbitmq-server -detached`, or `make up` for the Docker stack) "
            "or point AMQP_URL at a running broker."
        )
    return None


def main() -> None:
    problem = broker_problem(Settings.from_env().amqp_url)
    if problem:
        print(problem, file=sys.stderr)
        sys.exit(1)
