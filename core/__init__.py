"""fundtrail: fund and project ledger with an audit trail for 衔接资金, on beancount 3."""

import os as _os
import sys as _sys

# `python -m fundtrail.cli` run inside a workspace puts that folder first on the import path,
# where a planted click.py or beancount.py would stand in for the installed package; the ledger
# folder is data (fundtrail.loading), so it leaves the path before anything else is imported.
if _sys.argv[:1] == ["-m"] and _sys.path and _sys.path[0] in ("", _os.getcwd()) \
        and not _sys.flags.safe_path:
    del _sys.path[0]
del _os, _sys

__version__ = "0.1.0"
