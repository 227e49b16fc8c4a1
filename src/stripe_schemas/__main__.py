"""`python -m stripe_schemas`: the same as the `stripe-schemas` command."""

import sys

from .cli import main

sys.exit(main())
