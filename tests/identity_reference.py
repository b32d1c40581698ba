"""A literal, slow reading of the identity rules' descriptions, used only to check the identity
test corpus (tests/corpus/identity/): that its planted cases are what the descriptions call an
anomaly and its near misses are not, and that the corpus test's matching works. It is no
implementation of the rules (it does not read the flow index, its findings are plain tuples,
its messages are not the catalogue's) and nothing in the product imports it.

- shared-card: a card or account (digits only) paid for more than one person, a person being a
  registered household (the register's 户编号), else an ID number, else a name that no ID
  payment on the card carries.
- card-mismatch: a payment with an ID number in the register whose card (digits only) is not
  the register's card; not judged when the register has no card for that person.
- id-multi-name: an ID number (trimmed, X upper-cased) under more than one name (NFKC, without
  spaces), the register's name counting as one.
- payee-variant: two payee names (NFKC, without spaces) on one account or in one project that
  differ by at most two characters (edit distance, a swap counting two) or only by their legal
  form.
- shared-account: one account (digits only) receiving money under more than one name.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from decimal import Decimal
from itertools import combinations
from typing import NamedTuple

from beancount.core import data

from fundtrail.registers import HouseholdRegister

LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司")


class Found(NamedTuple):
    rule: str
    message: str
    links: tuple[str, ...]
    rows: tuple[dict, ...] = ()


def digits(value) -> str:
    if isinstance(value, Decimal):
        value = format(value, "f")
    return "".join(ch for ch in str(value or "") if ch.isdigit() or ch in "Xx").upper()


def id_number(value) -> str:
    if isinstance(value, Decimal):
        value = format(value, "f")
    return str(value or "").strip().upper()


def name(value) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value or "")).split())


def without_form(text: str) -> str:
    for form in LEGAL_FORMS:
        if text.endswith(form):
            return text[: -len(form)]
    return text


def distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


class Payment(NamedTuple):
    entry: object
    name: str
    id_no: str
    card: str
    projects: tuple[str, ...]


def payments(entries):
    """(person payments: postings with id_no or card; other payments: entries with a payee and a
    payee_account or a project posting, the account "" when the entry names none)."""
    people, bank = [], []
    for entry in entries:
        if not isinstance(entry, data.Transaction):
            continue
        projects = tuple(p.account.rsplit(":", 1)[1] for p in entry.postings
                         if p.account.startswith("Expenses:Project:"))
        personal = False
        for posting in entry.postings:
            meta = posting.meta or {}
            if "id_no" in meta or "card" in meta:
                personal = True
                people.append(Payment(entry, name(meta.get("beneficiary") or entry.payee),
                                      id_number(meta.get("id_no")), digits(meta.get("card")),
                                      projects))
        if not personal and entry.payee and ("payee_account" in entry.meta or projects):
            bank.append(Payment(entry, name(entry.payee), "",
                                digits(entry.meta.get("payee_account")), projects))
    return people, bank


def found(rule, group, message) -> Found:
    return Found(rule, message, tuple(sorted({link for p in group for link in p.entry.links})))


def reference_findings(entries, register_path: str) -> list[Found]:
    register = HouseholdRegister.read(register_path).households
    people, bank = payments(entries)
    out = []

    by_card = defaultdict(list)
    for p in people + bank:
        if p.card:
            by_card[p.card].append(p)
    for card, group in by_card.items():
        ids = {p.id_no for p in group if p.id_no}
        named = {p.name for p in group if p.id_no}
        persons = {register[i].number if i in register and register[i].number else i for i in ids}
        persons |= {p.name for p in group if not p.id_no and p.name not in named}
        if len(persons) > 1:
            out.append(found("shared-card", group, f"{card}: {'、'.join(sorted(persons))}"))

    for p in people:
        household = register.get(p.id_no)
        if household and household.card and p.card and digits(household.card) != p.card:
            out.append(found("card-mismatch", [p], f"{p.name} {p.card} ≠ {household.card}"))

    by_id = defaultdict(list)
    for p in people:
        if p.id_no:
            by_id[p.id_no].append(p)
    for id_no, group in by_id.items():
        names = {p.name for p in group}
        if id_no in register:
            names.add(name(register[id_no].name))
        if len(names) > 1:
            out.append(found("id-multi-name", group, f"{id_no}: {'、'.join(sorted(names))}"))

    places = defaultdict(list)  # account or project -> bank payments
    for p in bank:
        if p.card:
            places["account " + p.card].append(p)
        for project in p.projects:
            places["project " + project].append(p)
    pairs = set()
    for group in places.values():
        for a, b in combinations(group, 2):
            if a.name != b.name and (distance(a.name, b.name) <= 2
                                     or without_form(a.name) == without_form(b.name)):
                key = tuple(sorted((a.entry.links, b.entry.links)))
                if key not in pairs:
                    pairs.add(key)
                    out.append(found("payee-variant", [a, b], f"{a.name} ~ {b.name}"))

    by_account = defaultdict(list)
    for p in bank:
        if p.card:
            by_account[p.card].append(p)
    for account, group in by_account.items():
        names = {p.name for p in group}
        if len(names) > 1:
            out.append(found("shared-account", group, f"{account}: {'、'.join(sorted(names))}"))
    return out
