"""``stripe-schemas validate``: check payload files against the models and invariants."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("validate", help="validate payload files")
    parser.set_defaults(handler=lambda args: parser.print_help() or 2)
