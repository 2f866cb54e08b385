"""Entry script of the frozen app: PyInstaller runs this file as ``__main__``.

It lives outside the ``tkapp`` package on purpose: an entry script inside the package would put
``tkapp/`` itself on the module path and let its modules be imported under a second name.
"""

import sys

from tkapp.app import main

if __name__ == "__main__":
    sys.exit(main())
