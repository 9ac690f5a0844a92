"""`association-token`: print a bearer token for local use and operations."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from association.auth.tokens import ROLE_SCOPES, SCOPES, issue_token
from association.process_secrets import Process, require_secrets
from association.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, print one token to stdout and return the exit status.

    The secret is AUTH_SECRET from the environment; without it (or with one under 32 bytes) the
    command refuses in one line.
    """
    parser = argparse.ArgumentParser(
        prog="association-token", description="Print a signed bearer token (HS256 JWT)."
    )
    parser.add_argument(
        "--scope",
        default="admin",
        help=f"space-separated scopes out of: {' '.join(sorted(SCOPES))} (default: admin)",
    )
    parser.add_argument("--sub", default="operator", help="the token's subject (default: operator)")
    parser.add_argument(
        "--role", choices=sorted(ROLE_SCOPES), help="a person's role claim (default: none)"
    )
    parser.add_argument("--org", help="a coordinator's organisation id (the org claim)")
    parser.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds (default: 3600)")
    args = parser.parse_args(argv)
    require_secrets(Process.TOKEN_ISSUER)
    try:
        token = issue_token(
            Settings.from_env().auth_secret,
            args.sub,
            args.scope,
            ttl_seconds=args.ttl,
            role=args.role,
            org=args.org,
        )
    except ValueError as error:
        parser.error(str(error))
    sys.stdout.write(token + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
