"""`python -m stripe_schemas.cli`: the same as the `stripe-schemas` command."""

import sys

from . import main

sys.exit(main())
