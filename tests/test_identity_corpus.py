"""An independent test corpus for the identity rules: shared-card, card-mismatch, payee-variant,
shared-account and id-multi-name.

The corpus (tests/corpus/identity/) was written from the rules' descriptions alone, without
reading their code: for each rule, planted cases in varied shapes (full-width brackets, spaces,
有限责任公司 vs 有限公司, 分公司, swapped characters, names without a legal form, accounts with
spaces or dashes, cards and IDs written as numbers, IDs with a lower-case x) and near misses
that must stay silent (similar firms on their own accounts in their own projects, namesakes
with different ID numbers, registered families sharing a card). cases.toml lists every case;
each entry of a case carries the link ^IDC-<case id>.

Each rule's variant is the demo workspace plus common.beancount and <rule>.beancount (included
from main.beancount) and the corpus rows appended to the household register. A finding of the
rule concerns a case when its links (or its evidence rows' links) hold the case's link, or its
message names one of the case's payees. Per rule the test reports recall (planted cases found /
planted cases) and false alarms (near misses found / near misses) and asserts recall 1 and no
false alarm. A rule that is not in the catalogue yet is skipped.
"""

import csv
import shutil
import tomllib
from pathlib import Path

import pytest
from beancount import loader
from conftest import copy_workspace
from identity_reference import Found, reference_findings

from fundtrail.plugins.checks import RULES, all_findings

CORPUS = Path(__file__).parent / "corpus" / "identity"
IDENTITY_RULES = ("shared-card", "card-mismatch", "payee-variant", "shared-account",
                  "id-multi-name")


def corpus_cases() -> list[dict]:
    return tomllib.loads((CORPUS / "cases.toml").read_text("utf-8"))["case"]


def build_variant(demo_root: Path, target: Path, rule: str) -> Path:
    """The demo workspace at `target` with the corpus of `rule` in it; returns main.beancount."""
    copy_workspace(demo_root, target)
    folder = target / "corpus"
    folder.mkdir()
    for name in ("common.beancount", f"{rule}.beancount"):
        shutil.copy(CORPUS / name, folder / name)
    main = target / "main.beancount"
    main.write_text(main.read_text("utf-8").rstrip("\n") + "\n"
                    f'include "corpus/common.beancount"\ninclude "corpus/{rule}.beancount"\n',
                    "utf-8")
    register = target / "registers" / "households.csv"
    with (CORPUS / "households.csv").open(encoding="utf-8", newline="") as corpus:
        rows = list(csv.DictReader(corpus))
    with register.open(encoding="utf-8", newline="") as demo_register:
        header = next(csv.reader(demo_register))
    assert set(rows[0]) <= set(header), "the corpus register's columns are the demo's"
    with register.open("a", encoding="utf-8", newline="") as out:  # by column name: the demo's may grow
        csv.DictWriter(out, header, restval="", lineterminator="\n").writerows(rows)
    return main


@pytest.fixture(scope="module")
def variant(demo, tmp_path_factory):
    """rule -> (entries, errors, options) of the rule's variant, loaded once when first asked."""
    loaded = {}

    def load(rule):
        if rule not in loaded:
            main = build_variant(demo[0], tmp_path_factory.mktemp(rule) / "ws", rule)
            loaded[rule] = loader.load_file(str(main))
        return loaded[rule]

    return load


def concerns(finding, case) -> bool:
    """The finding is about the case: its link among the finding's (or its rows') links, or one
    of the case's payee names in the finding's message (or its rows' text)."""
    links = set(finding.links)
    texts = [finding.message]
    for row in finding.rows:
        links.update(str(row.get("links") or "").split())
        texts.append(str(row.get("text") or ""))
    return case["link"] in links or any(p in text for p in case["payees"] for text in texts)


def score(found, cases):
    """(planted cases found, planted cases, near misses found, near misses, findings that
    concern no case)."""
    planted = [c for c in cases if c["kind"] == "planted"]
    near = [c for c in cases if c["kind"] == "near-miss"]
    hit = [c["id"] for c in planted if any(concerns(f, c) for f in found)]
    false = [c["id"] for c in near if any(concerns(f, c) for f in found)]
    stray = [f for f in found if not any(concerns(f, c) for c in cases)]
    return hit, planted, false, near, stray


# -- the corpus itself: checked whether or not the rules exist -----------------------------------

def test_manifest_has_enough_cases_of_every_rule():
    cases = corpus_cases()
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "case ids are unique"
    for rule in IDENTITY_RULES:
        kinds = [c["kind"] for c in cases if c["rule"] == rule]
        assert kinds.count("planted") >= 6 and kinds.count("near-miss") >= 6, (rule, kinds)
    assert {c["kind"] for c in cases} == {"planted", "near-miss"}
    assert {c["rule"] for c in cases} == set(IDENTITY_RULES)
    for case in cases:
        assert case["link"] == f"IDC-{case['id']}" and case["payees"] and case["what"], case


def test_payee_names_identify_one_case():
    """A payee name of a case occurs in no other case's names, so matching a finding's message
    by name cannot credit the wrong case."""
    cases = corpus_cases()
    for case in cases:
        for other in cases:
            if other is not case:
                clash = [(p, q) for p in case["payees"] for q in other["payees"] if p in q]
                assert not clash, (case["id"], other["id"], clash)


def test_payee_names_are_not_in_the_demo(demo):
    """Nor in the demo's books or registers, whose own findings would otherwise be credited to
    a case."""
    root = demo[0]
    text = "".join(path.read_text("utf-8") for pattern in ("*.beancount", "*/*.beancount",
                                                         "registers/*.csv")
                   for path in sorted(root.glob(pattern)))
    found = [(c["id"], p) for c in corpus_cases() for p in c["payees"] if p in text]
    assert not found


@pytest.mark.parametrize("rule", IDENTITY_RULES)
def test_variant_loads_clean_with_every_case(variant, rule):
    """The variant loads without a ledger error (no broken balance, no unreadable register row)
    and every case of the rule is in it, on the entries its fragment says."""
    entries, errors, _ = variant(rule)
    assert not errors, [getattr(e, "message", e) for e in errors][:5]
    payees = {}  # case link -> the payees of its entries
    for entry in entries:
        for link in getattr(entry, "links", None) or ():
            if link.startswith("IDC-"):
                payees.setdefault(link, []).append(entry.payee)
    for case in corpus_cases():
        if case["rule"] == rule:
            assert case["link"] in payees, case["id"]
            for name in case["payees"]:
                assert any(name in payee for payee in payees[case["link"]]), (case["id"], name)


@pytest.mark.parametrize("rule", IDENTITY_RULES)
def test_reference_reading_scores_the_corpus(variant, rule):
    """A literal reading of the rule's description (tests/identity_reference.py) finds every
    planted case and no near miss: the corpus says what the descriptions say, and the matching
    of findings to cases works."""
    entries, _, options = variant(rule)
    register = Path(options["filename"]).parent / "registers" / "households.csv"
    found = [f for f in reference_findings(entries, str(register)) if f.rule == rule]
    hit, planted, false, near, _ = score(found, [c for c in corpus_cases() if c["rule"] == rule])
    assert (len(hit), len(false)) == (len(planted), 0), (rule, hit, false)


def test_a_finding_concerns_a_case_by_link_row_or_name():
    case = {"link": "IDC-XX-P1", "payees": ["青禾健工有限公司"]}
    by_link = Found("payee-variant", "某消息", ("IDC-XX-P1", "QH2025-901"))
    by_row = Found("payee-variant", "某消息", (), ({"links": "RCB-7701-1 IDC-XX-P1", "text": ""},))
    by_name = Found("payee-variant", "青禾健工有限公司与青禾建工有限公司名称近似", ())
    other = Found("payee-variant", "青禾建工有限公司", ("IDC-XX-P10",),
                  ({"links": "IDC-XX-P11", "text": "青禾建工"},))
    assert [concerns(f, case) for f in (by_link, by_row, by_name, other)] == [True] * 3 + [False]


# -- the rules against the corpus -----------------------------------------------------------------

@pytest.mark.parametrize("rule", [
    pytest.param(rule, marks=pytest.mark.skipif(
        rule not in RULES, reason=f"rule {rule} is not in the checks catalogue yet"))
    for rule in IDENTITY_RULES])
def test_recall_and_false_alarms(variant, rule):
    entries, _, options = variant(rule)
    found = [f for f in all_findings(entries, options) if f.rule == rule]
    cases = [c for c in corpus_cases() if c["rule"] == rule]
    hit, planted, false, near, stray = score(found, cases)
    missed = [c["id"] for c in planted if c["id"] not in hit]
    print(f"\n{rule}: recall {len(hit)}/{len(planted)}, false alarms {len(false)}/{len(near)}"
          f"{', missed ' + ' '.join(missed) if missed else ''}"
          f"{', false alarms ' + ' '.join(false) if false else ''}"
          f"; {len(stray)} findings of the rule concern no case of it")
    for finding in stray[:5]:
        print(f"  other: {finding.message} {' '.join(finding.links)}")
    assert not missed, f"{rule}: planted cases not found: {missed}"
    assert not false, f"{rule}: near misses reported: {false}"
