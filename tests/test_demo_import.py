"""The demo is built by the importers from its raw files; it must hold exactly the entries the
scenario plans (tests/ and the checks depend on them), whatever import-only metadata it adds."""

from collections import Counter

from beancount import loader
from beancount.core import data
from beancount.parser import parser

from fundtrail.ledgers.demo.build import direct_text, planned, write_raw

IMPORT_ONLY = {"filename", "lineno", "sha256", "batch"}


def _meta(meta) -> frozenset:
    return frozenset((k, str(v)) for k, v in (meta or {}).items()
                     if k not in IMPORT_ONLY and not k.startswith("__"))


def key(entry):
    if isinstance(entry, data.Balance):
        return ("balance", entry.date, entry.account, entry.amount.number, _meta(entry.meta))
    postings = tuple(sorted((p.account, p.units.number, _meta(p.meta)) for p in entry.postings))
    return (entry.date, entry.payee or "", entry.narration, frozenset(entry.links),
            _meta(entry.meta), postings)


def test_importer_built_demo_equals_the_scenarios_direct_rendering(demo, tmp_path):
    root, _ = demo
    scenario = planned(20241)
    balances = write_raw(tmp_path, scenario)  # the writers note each entry's source and row
    direct, errors, _ = parser.parse_string(direct_text(scenario, balances))
    assert errors == []
    entries, _, _ = loader.load_file(str(root / "main.beancount"))
    imported = [e for e in entries if isinstance(e, (data.Transaction, data.Balance))
                and e.meta["filename"].endswith("imported.beancount")]
    want, got = Counter(map(key, direct)), Counter(map(key, imported))
    assert want - got == Counter() and got - want == Counter()
    assert len(imported) == len(direct) > 880


def test_master_data_comes_from_the_registers(demo_books):
    scenario = planned(20241)
    master = demo_books.master
    assert set(master.projects) == set(scenario.projects)
    for code, spec in scenario.projects.items():
        project = master.projects[code]
        assert (project.budget, project.meta.get("fund"), project.village, project.town,
                project.approved, project.linkage) == (
            spec.budget, spec.fund, spec.village, spec.town, spec.approved, spec.linkage), code
    for code, spec in scenario.funds.items():
        fund = master.funds[code]
        assert (fund.amount, fund.doc_no, fund.level, fund.direct, fund.issued) == (
            spec.amount, spec.doc_no, spec.level, spec.direct, spec.issued)


def test_unclassified_payments_land_in_suspense_by_no_rule(demo):
    root, _ = demo
    import tomllib

    rules = tomllib.loads((root / "classify.toml").read_text("utf-8"))["rule"]
    assert not any("Suspense" in str(rule) for rule in rules)
    entries, _, _ = loader.load_file(str(root / "main.beancount"))
    suspense = [e for e in entries if isinstance(e, data.Transaction)
                and any("Suspense" in p.account for p in e.postings)]
    assert sorted(p.payee for p in suspense) == ["青禾恒达商贸有限公司", "青禾鸿运建材有限公司"]
