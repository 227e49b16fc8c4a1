"""stripe_codegen: Stripe OpenAPI spec → attrs models (parse → intermediate model → render)."""

from __future__ import annotations

from .errors import SpecError, SpecProblem
from .loader import LoadedSpec, load_spec

__all__ = ["LoadedSpec", "SpecError", "SpecProblem", "load_spec"]
