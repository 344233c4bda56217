"""``python -m rebound_nlp``: the ``rebound`` command line."""

import sys

from rebound_nlp.cli import main

sys.exit(main())
