"""``python -m tkapp.i18n [--check]``: check and compile the translation catalogues."""

import sys

from tkapp.i18n.catalogs import main

sys.exit(main())
