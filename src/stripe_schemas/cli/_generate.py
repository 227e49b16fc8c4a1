"""``stripe-schemas generate``: regenerate the attrs models from a spec."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("generate", help="generate attrs models from an OpenAPI spec")
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)
