"""`python -m app.sandbox`: the same as `packdesk sandbox`."""

import sys

from .cli import main

sys.exit(main())
