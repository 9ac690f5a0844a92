"""`association-preflight`: say in one line what is missing before the stack starts: a secret
the processes need, or the broker."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence

import pika

from association.process_secrets import ALL_SECRETS, secret_problem
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


def secrets_problem(environ: Mapping[str, str]) -> str | None:
    """None when every secret of the stack's processes is set at its full length, else the first
    problem in one line (the processes would each refuse to start with it)."""
    for secret in ALL_SECRETS:
        problem = secret_problem(secret, environ)
        if problem:
            return problem
    return None


def main(argv: Sequence[str] | None = None) -> None:
    """Print the first thing missing on stderr and exit 1, or exit quietly."""
    argparse.ArgumentParser(
        prog="association-preflight",
        description="Check that every secret of the stack is set (32+ bytes) and that the broker "
        "of AMQP_URL answers; print the first problem and exit 1, or exit 0 quietly.",
    ).parse_args(argv)
    problem = secrets_problem(os.environ) or broker_problem(Settings.from_env().amqp_url)
    if problem:
        print(problem, file=sys.stderr)
        sys.exit(1)
