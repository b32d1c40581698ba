"""The benchmark ledger generator writes a clean workspace of about the asked size."""

import importlib.util
from pathlib import Path

from beancount import loader
from beancount.core import data

from fundtrail.findings import Finding

SPEC = importlib.util.spec_from_file_location(
    "bigledger", Path(__file__).parents[1] / "benchmarks" / "bigledger.py")
bigledger = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(bigledger)


def test_generated_ledger_loads_clean_at_the_asked_size(tmp_path):
    main = bigledger.generate(tmp_path / "big", 3000)
    entries, errors, _ = loader.load_file(str(main))
    assert [e for e in errors if not isinstance(e, Finding)] == []  # checks may find things
    txns = [e for e in entries if isinstance(e, data.Transaction)]
    assert 2700 <= len(txns) <= 3300
    subsidies = [t for t in txns if any("beneficiary" in p.meta for p in t.postings if p.meta)]
    assert 0.6 < len(subsidies) / len(txns) < 0.8
