"""`python -m massage_evidence`: the same command line as `massage-evidence`."""

import sys

from .cli import main

sys.exit(main())
