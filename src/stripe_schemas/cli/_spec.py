"""``stripe-schemas spec …``: work on OpenAPI documents (slice to a closure of roots)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("spec", help="work on OpenAPI spec documents")
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)
