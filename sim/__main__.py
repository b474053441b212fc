"""``python -m sim`` is the ``idsim`` command."""

import sys

from sim.cli import main

sys.exit(main())
