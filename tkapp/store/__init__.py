"""The encrypted catalogue store: the only package that imports sqlcipher3.

Services use :class:`Database` (open/create/transactions) and the repository modules
(``records``, ``entities``, ``media``, ``audit``, ``maintenance``); nothing above the store
ever sees SQL or a sqlcipher3 exception.
"""

from tkapp.store.database import Database

__all__ = ["Database"]
