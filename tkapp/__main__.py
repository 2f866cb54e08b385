"""Allow ``python -m tkapp``."""

import sys

from tkapp.app import main

sys.exit(main())
