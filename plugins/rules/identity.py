"""Identity across names, cards and accounts: one person or firm behind several names, or one
account behind several people.

The account a payment went to is the posting's `card:` (一卡通 rows), else its
`payee_account:` (bank statements, treasury vouchers), else the entry's `payee_account:`;
spaces and dashes are ignored. A payment to a person is a subsidy (a posting with `id_no:`)
or an asset-income distribution to a household (分红到户 …: a collective-layer posting with
`id_no:`). The household register (`custom "register" "households"`, columns 户编号, 户主姓名,
身份证号, 一卡通账号; a household's members may each have a row) says who belongs together:
the people whose rows share a 户编号 are one family. Two households whose rows name one card
stay two families.

shared-card (high)
    An account paid for two or more people who are not one family: (a) a card that received a
    payment to a person, paid for ID numbers of different families, or, for a payment without
    an ID number into it, under a name that neither its register rows nor its payments to
    persons bear; (b) any other account paid, without ID numbers, under two or more personal
    names (`personal-account`'s reading of a name). The family the register gives the card to
    (its first row naming it; else the first paid) is its holder; the amount is what the
    others received. One finding per account. Silent: one family on its card, one person
    paid several times, one name written in several ways.
card-mismatch (medium)
    A registered person's subsidy or dividend paid into a card other than the 一卡通账号 the
    register gives them or their family (户编号). People without a registered card are not
    judged. One finding per person and card, every payment as a row.
payee-variant (medium)
    Two firm names (payees that are not personal names, see `personal-account`) that differ by
    a legal-form suffix (青禾建工有限公司 / 青禾建工有限责任公司) or by at most
    `payee_variant_edits` characters once the legal form is dropped, with the two reduced names
    at least `payee_variant_similarity` alike (rapidfuzz's normalised Levenshtein similarity),
    paid (a) into the same account or (b) for the same project, at any time, whatever their
    amounts and accounts. Names that differ only in spacing, brackets or full-width forms are
    one name; names whose differing characters each stand just before the end of a place name
    (张山东村 / 张山北村, 前村 / 后村) name two places' units, not one firm. One finding per
    name pair (and account or project), on the first payment under the later name. Silent:
    similar names with their own accounts in different projects.
shared-account (high)
    One account received project money (payments and money passed to units, not household
    subsidies) under two or more firm names (not personal names) that are not variants of
    each other (as payee-variant judges them). Accounts that received a payment to a person
    are shared-card's. One finding per account, on the first payment under the second firm's
    name; the amount is what every firm but the first received (a variant of a firm's name
    counts as that firm).
id-multi-name (medium)
    One ID number paid subsidies or dividends under two or more names (the `beneficiary:`,
    else the payee), or under a name other than the register's 户主姓名 when the ID is its
    household's only row. People of the same name with different ID numbers are different
    people. One finding per ID number.

Settings: payee_variant_edits (2), payee_variant_similarity (0.6).
Without a household register every ID number is its own family and card-mismatch is silent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from itertools import chain

from rapidfuzz.distance import Levenshtein

from fundtrail import findings
from fundtrail.flows import FAILED, date_of, payee_key, plain_name
from fundtrail.idno import account_no
from fundtrail.plugins.rules._accounts import named_accounts
from fundtrail.plugins.rules._naming import entry_key
from fundtrail.plugins.rules._registers import households
from fundtrail.plugins.rules.cash import is_person
from fundtrail.plugins.settings import INTEGER, SHARE, Setting
from fundtrail.registers import Household

SETTINGS = (
    Setting("payee_variant_edits", INTEGER, 2, "收款人名称相差的最多字数"),
    Setting("payee_variant_similarity", SHARE, 0.6, "收款人名称相似度下限", high=1),
)
ZERO = Decimal(0)
# A character that ends a place name: names that differ only just before one (张山东村 /
# 张山北村, 前村 / 后村 …) name units of different places, not one firm.
_PLACE_ENDS = frozenset("村镇乡街组屯寨")


def account_as_written(flow):
    """The account a flow's money went to, as recorded: `card:`, else `payee_account:` of the
    posting, else of the entry (None when none is)."""
    meta = flow.meta
    return meta.get("card") or meta.get("payee_account") or flow.entry.meta.get("payee_account")


def paid_into(flow) -> str:
    """The account a flow's money went to, as compared ("" when none is recorded)."""
    value = account_as_written(flow)
    return account_no(value) if value else ""


def _who(masker, name: str, person: str) -> str:
    return f"{name}（身份证{masker.id_no(person)}）" if person else name


class Families:
    """The register's families: ID number -> family (its 户编号; an ID without one is a family
    of its own), its register card, the cards of each family, and the family the register
    gives a card to (the first row naming it), and the 户主姓名 of an ID that is its
    household's only row. Two households whose rows name one card stay two families.
    What only a suspect card or person needs (`holder`, `named`, `cards_of`) is worked out on
    asking."""

    def __init__(self, rows: dict[str, Household]):
        self.rows = rows
        self.family, self.card, units = {}, {}, set()
        family, own = self.family, self.card
        # each row's 户主姓名 is read while the row is at hand, then dropped for a household
        # of several rows (no second walk over the rows)
        self.head = head = {}
        shared = []  # the households of more than one row
        for person, row in rows.items():
            if not person:
                continue
            number, name = row.number, row.name  # texts as the register typed them
            unit = family[person] = (number.strip() if type(number) is str
                                     else str(number or "").strip()) or f"id:{person}"
            if unit in units:
                shared.append(unit)
            else:
                units.add(unit)
            head[person] = name.strip() if type(name) is str else str(name or "").strip()
            card = row.card
            card = card if type(card) is str and card.isdigit() and card.isascii() else account_no(card)
            if card:
                own[person] = card
        if shared:
            shared = set(shared)
            for person, unit in family.items():
                if unit in shared:
                    del head[person]
        # card -> the family the register gives it to, and card -> the ID number of its one
        # row or the ID numbers of its rows in order (a list only for a card on two rows or
        # more): worked out on first asking (`_card_rows`), as only a suspect card needs them
        self._holder: dict[str, str] | None = None
        self._on_card: dict[str, str | list[str]] | None = None
        self._cards_of: dict[str, set[str]] | None = None

    @property
    def holder(self) -> dict[str, str]:
        """Card -> the family the register gives it to (its first row's)."""
        return self._card_rows()[0]

    def _card_rows(self) -> tuple[dict[str, str], dict[str, str | list[str]]]:
        """(card -> the family the register gives it to, card -> the ID number of its one row
        or the ID numbers of its rows in register order), worked out on first asking."""
        if self._holder is None:
            holder, on_card, family = {}, {}, self.family
            for person, card in self.card.items():  # in register order
                if card in holder:
                    others = on_card[card]
                    if type(others) is str:
                        on_card[card] = [others, person]
                    else:
                        others.append(person)
                else:
                    holder[card] = family[person]
                    on_card[card] = person
            self._holder, self._on_card = holder, on_card
        return self._holder, self._on_card

    def named(self, card: str) -> dict[str, str]:
        """A name (as compared) on the rows naming `card` -> its family, the first row's first."""
        named: dict[str, str] = {}
        persons = self._card_rows()[1].get(card, ())
        for person in (persons,) if type(persons) is str else persons:
            named.setdefault(plain_name(self.rows[person].name), self.family[person])
        return named

    @property
    def cards_of(self) -> dict[str, set[str]]:
        """Family -> the cards its rows name (a family without one: an empty set)."""
        if self._cards_of is None:
            self._cards_of = defaultdict(set)
            for person, card in self.card.items():
                self._cards_of[self.family[person]].add(card)
        return self._cards_of

    def of(self, person: str) -> str:
        return self.family.get(person) or f"id:{person}"


def families(ctx) -> Families:
    return ctx.memo("identity.families", lambda: Families(households(ctx)))


# -- shared-card, card-mismatch, id-multi-name: people ---------------------------------------
class People:
    """One pass over the subsidies per person: each card's first person and the cards paid for
    two or more ID numbers (every card as written -> as compared), and the people whose cards
    or names the card and name rules must read in full; the common person, paid under one name
    into one card, costs a few comparisons. With the flow index (`index`), a person whose
    subsidies the index read as all alike (`row_of`, `varied`) costs no reading of their rows."""

    def __init__(self, by_person, fam: Families | None, index=None, extra=None):
        self.norm: dict = {}
        self.first: dict[str, str] = {}
        self.shared: set[str] = set()
        self.mismatched: list[str] = []  # paid into a card the register does not give them
        self.renamed: list[str] = []  # paid under two names, or not the register's
        # ID number -> the card (as compared) of every payment to that person, for the people
        # paid into one card as written; the others' cards are read per payment (`of`)
        self.card_of: dict[str, str] = {}
        norm, first, shared, card_of = self.norm, self.first, self.shared, self.card_of
        own_card = fam.card if fam else {}
        heads = fam.head if fam else {}
        # the flow index's reading of each person's rows: a person whose subsidies (and only
        # those) all name the first one's card and name needs no reading here
        subsidies, row_of, varied = (index.by_person, index.row_of, index.varied) if index \
            else ({}, {}, ())
        extra = extra or {}  # ID number -> the distributions among that person's rows
        # no distribution: every person's rows are the index's (`by_person` is the index's
        # subsidies, or `_Paid`'s, where a person without distributions has just those)
        same = by_person is subsidies
        for person in by_person:  # a person's list is read only when their rows differ
            raw = name = None
            if person not in varied:
                if same or (index is not None and person not in extra):
                    row = row_of[person]
                    raw, name = row[0], row[1]
                elif person in row_of:  # subsidies alike: only the distributions are read
                    row = row_of[person]
                    if row[0] and row[1] and all(
                            m.meta.get("card") == row[0]
                            and (m.meta.get("beneficiary") or m.entry.payee) == row[1]
                            for m in extra.get(person, ())):
                        raw, name = row[0], row[1]
            if raw and name:
                alike = True  # every row names this card and this name
            else:
                flows = by_person[person]
                flow = flows[0]
                meta = flow.meta
                raw = account_as_written(flow)
                name = meta.get("beneficiary") or flow.entry.payee
                alike = True
                for flow in flows:
                    meta = flow.meta
                    if meta.get("card") != raw or (meta.get("beneficiary") or flow.entry.payee) != name:
                        alike = False
                        break
            if alike:
                if raw:
                    if type(raw) is str and raw.isdigit() and raw.isascii():
                        card = raw  # as `account_no` gives it back
                    else:
                        card = norm.get(raw)
                        if card is None:
                            card = norm[raw] = account_no(raw)
                    card_of[person] = card
                    if card:
                        if first.setdefault(card, person) != person:
                            shared.add(card)
                        own = own_card.get(person)
                        if own and card != own and card not in fam.cards_of[fam.family[person]]:
                            self.mismatched.append(person)
                head = heads.get(person)
                if head and head != name:
                    self.renamed.append(person)
                continue
            cards = set()
            for flow in flows:
                card = self.of(flow)
                if card:
                    cards.add(card)
                    if first.setdefault(card, person) != person:
                        shared.add(card)
            own = own_card.get(person)
            if own and cards - fam.cards_of[fam.family[person]]:
                self.mismatched.append(person)
            self.renamed.append(person)

    def of(self, flow) -> str:
        raw = account_as_written(flow)
        if not raw:
            return ""
        card = self.norm.get(raw)
        if card is None:
            card = self.norm[raw] = account_no(raw)
        return card


class _Paid(Mapping):
    """ID number -> what was paid to that person, in date order (a read-only mapping): the
    index's subsidies by person, a person with distributions (`extra`) having them merged in on
    first asking (most people's payments are never read: no sorted list made for them), the
    people paid subsidies first, then those paid distributions only."""

    __slots__ = ("subsidies", "extra", "merged")

    def __init__(self, subsidies: dict[str, list], extra: dict[str, list]):
        self.subsidies, self.extra, self.merged = subsidies, extra, {}

    def __iter__(self):
        subsidies = self.subsidies
        return chain(subsidies, (person for person in self.extra if person not in subsidies))

    def __len__(self):
        return len(self.subsidies) + sum(person not in self.subsidies for person in self.extra)

    def __getitem__(self, person: str) -> list:
        more = self.extra.get(person)
        if more is None:
            return self.subsidies[person]
        got = self.merged.get(person)
        if got is None:
            got = self.merged[person] = sorted([*self.subsidies.get(person, ()), *more], key=date_of)
        return got


def _paid(ctx) -> tuple[dict[str, list] | _Paid, list, dict[str, list]]:
    """(ID number -> what was paid to that person, in date order; the distributions among it;
    ID number -> its distributions):
    the subsidies and the asset-income distributions to a household (分红到户 …, a posting
    with `id_no:` on the collective layer), bounced rows left out. A distribution reads as a
    subsidy does: `meta`, `entry`, `date`, `amount`, `person`."""
    def build():
        moves, extra = [], defaultdict(list)
        for move in ctx.flows.asset_book.distributions:  # the cheapest test first
            person = move.person  # its `id_no:` as the asset book read it ("" when none)
            if move.amount > ZERO and person and FAILED not in str(move.meta.get("status") or ""):
                moves.append(move)
                extra[person].append(move)
        if not moves:
            return ctx.flows.by_person, moves, extra
        return _Paid(ctx.flows.by_person, extra), moves, extra
    return ctx.memo("identity.paid", build)


def _people(ctx) -> People:
    paid, _moves, extra = _paid(ctx)
    return ctx.memo("identity.people", lambda: People(
        paid, families(ctx) if households(ctx) else None, ctx.flows, extra))


def _item(flow) -> str:
    """What a payment to a person was: a subsidy's `item:`, a distribution's purpose."""
    meta = flow.meta
    return str(meta.get("item") or meta.get("kind") or "补助")


def shared_card(ctx):
    cards = _people(ctx)
    others = defaultdict(list)  # person's card -> payments without an ID number into it
    named_only = defaultdict(list)  # other account -> payments to personal names without an ID
    persons: dict = {}  # payee as written -> its name as compared when a personal name, else ""
    # most payments name no account: only those that do are read (`named_accounts`)
    for flow, card, account, entry_account in named_accounts(ctx.flows).values():
        if flow.amount > 0:
            raw = card or account or entry_account  # `paid_into`, from what the walk read
            card = account_no(raw) if raw else ""
            if not card:
                continue
            if card in cards.first:
                others[card].append(flow)
                continue
            raw = flow.entry.payee
            name = persons.get(raw)
            if name is None:
                text = str(raw or "").strip()
                name = persons[raw] = plain_name(text) if text and is_person(text) else ""
            if name:
                named_only[card].append(flow)
    suspects = cards.shared | set(others)
    by_card = defaultdict(list)
    if suspects:
        card_of = cards.card_of  # a person paid into one card: no reading of each payment
        for flow in chain(ctx.flows.subsidies, _paid(ctx)[1]):
            card = card_of.get(flow.person)
            if card is None:
                card = cards.of(flow)
            if card in suspects:
                by_card[card].append(flow)
    for card, flows in named_only.items():
        if len({persons[f.entry.payee] for f in flows}) > 1:
            by_card[card] = []
            others[card] = flows
    fam = families(ctx)
    for card, flows in by_card.items():
        extra = others.get(card, ())
        named = fam.named(card)  # a name on the card's rows or subsidies -> family
        paid = []  # (flow, family, who)
        for flow in flows:
            unit = fam.of(flow.person)
            named.setdefault(plain_name(flow.meta.get("beneficiary") or flow.entry.payee), unit)
            name = str(flow.meta.get("beneficiary") or flow.entry.payee)
            paid.append((flow, unit, _who(ctx.masker, name, flow.person)))
        for flow in extra:
            name = plain_name(flow.entry.payee)
            paid.append((flow, named.get(name, f"name:{name}"), flow.entry.payee))
        units = {unit for _, unit, _ in paid}
        if len(units) < 2:
            continue
        paid.sort(key=lambda p: p[0].date)
        holder = fam.holder.get(card)
        if holder not in units:
            holder = paid[0][1]
        foreign = [p for p in paid if p[1] != holder]
        whose = list(dict.fromkeys(who for _, unit, who in paid if unit == holder))
        strangers = list(dict.fromkeys(who for _, _, who in foreign))
        first = foreign[0][0]
        yield findings.emit(
            "shared-card", f"card|{card}", first.entry,
            amount=sum((p[0].amount for p in foreign), ZERO), date=first.date,
            links=tuple(link for p in paid for link in p[0].entry.links),
            account=ctx.masker.account(card), holder=tuple(whose), others=tuple(strangers),
            count=len(units), day=first.date,
            registered="登记册所载持卡户" if fam.holder.get(card) == holder else "最早领取人")


def card_mismatch(ctx):
    people = _people(ctx)
    if not people.mismatched:
        return
    fam, paid = families(ctx), _paid(ctx)[0]
    for person in people.mismatched:
        own, allowed = fam.card[person], fam.cards_of[fam.family[person]]
        for flow in paid[person]:
            card = people.of(flow)
            if not card or card in allowed:
                continue
            name = str(flow.meta.get("beneficiary") or flow.entry.payee)
            yield findings.emit(
                "card-mismatch", f"{entry_key(flow.entry)}|{person}", flow.entry,
                amount=flow.amount, group=f"{person}|{card}", who=_who(ctx.masker, name, person),
                account=ctx.masker.account(card), registered=ctx.masker.account(own),
                item=_item(flow), day=flow.date)


def id_multi_name(ctx):
    people = _people(ctx)
    if not people.renamed:
        return
    heads = families(ctx).head if households(ctx) else {}
    paid = _paid(ctx)[0]
    plain: dict[str, str] = {}  # a name as written -> as compared

    def compared(text) -> str:
        try:
            return plain[text]
        except KeyError:
            value = plain[text] = plain_name(text)
            return value

    for person in people.renamed:
        flows = paid[person]
        head = heads.get(person, "")
        names: dict[str, str] = {}  # compared form -> as written
        if head:
            names[compared(head)] = head
        under: dict[str, list] = defaultdict(list)
        for flow in flows:
            shown = str(flow.meta.get("beneficiary") or flow.entry.payee or "").strip()
            key = compared(shown)
            if key:
                names.setdefault(key, shown)
                under[key].append(flow)
        if len(names) < 2:
            continue
        main = next(iter(names))
        odd = [f for key, fs in under.items() if key != main for f in fs]
        odd.sort(key=lambda f: f.date)
        yield findings.emit(
            "id-multi-name", f"person|{person}", odd[0].entry,
            amount=sum((f.amount for f in odd), ZERO), date=odd[0].date,
            links=tuple(link for f in odd for link in f.entry.links),
            id=ctx.masker.id_no(person), names=tuple(names.values()), name=names[main],
            count=len(names), day=odd[0].date, source="登记册" if head else "最早一笔补助")


# -- payee-variant, shared-account: firms ------------------------------------------------------
class _Variants:
    """Whether two payee names are variants of one name, worked out once per pair."""

    def __init__(self, settings):
        self.edits = settings["payee_variant_edits"]
        self.similarity = float(settings["payee_variant_similarity"])  # rapidfuzz scores are floats
        self.known: dict[tuple[str, str], str] = {}

    def __call__(self, a: str, b: str) -> str:
        """"" when `a` and `b` (names as written) are one name or unrelated; else how they
        differ: "组织形式后缀" (the legal form) or "<n>个字".
        """
        pair = (a, b) if a <= b else (b, a)
        try:
            return self.known[pair]
        except KeyError:
            pass
        plain_a, plain_b = plain_name(a), plain_name(b)
        how = ""
        if plain_a != plain_b:
            key_a, key_b = payee_key(a), payee_key(b)
            if key_a == key_b:
                how = "组织形式后缀"
            else:
                edits = Levenshtein.distance(key_a, key_b, score_cutoff=self.edits)
                if key_a and key_b and edits <= self.edits and \
                        Levenshtein.normalized_similarity(key_a, key_b) >= self.similarity \
                        and not _places_apart(key_a, key_b):
                    how = f"{edits}个字"
        self.known[pair] = how
        return how

    def keys_alike(self, a: str, b: str) -> bool:
        """Reduced names (payee_key) that are one firm's: equal or variants."""
        return a == b or (Levenshtein.distance(a, b, score_cutoff=self.edits) <= self.edits
                          and Levenshtein.normalized_similarity(a, b) >= self.similarity)


def _places_apart(a: str, b: str) -> bool:
    """Every character that differs between `a` and `b` stands just before the end of a place
    name (村, 镇 …) in both: the names of two places' units."""
    ops = Levenshtein.editops(a, b)
    return bool(ops) and all(
        op.tag == "replace" and a[op.src_pos + 1:op.src_pos + 2] in _PLACE_ENDS
        and b[op.dest_pos + 1:op.dest_pos + 2] in _PLACE_ENDS for op in ops)


class _Firms:
    """Every project payment to a firm name with its account, in ledger order, and the
    accounts and projects paid under two or more names as written (the only ones the firm
    rules read further)."""

    def __init__(self, payments):
        firms: dict = {}
        # the payments to firms and, position by position, the account each was paid into
        # (two lists, no pair made per payment: the firm rules read them only when an account
        # or a project was paid under two names)
        self.paid: list = []
        self.account_of: list[str] = []
        self.accounts: set[str] = set()
        self.projects: set[str] = set()
        by_account, by_project = {}, {}
        keep, keep_account, several = self.paid.append, self.account_of.append, self.projects.add
        for pay in payments:
            raw = pay.name  # the payee and the account as written, read in the index's pass
            firm = firms.get(raw)
            if firm is None:
                firm = firms[raw] = bool(raw.strip()) and not is_person(raw.strip())
            if not firm:
                continue
            value = pay.account
            account = "" if not value else value if type(value) is str and value.isdigit() \
                and value.isascii() else account_no(value)
            keep(pay)
            keep_account(account)
            if by_project.setdefault(pay.project, raw) != raw:
                several(pay.project)
            if account and by_account.setdefault(account, raw) != raw:
                self.accounts.add(account)


def _firms(ctx) -> _Firms:
    return ctx.flows.memo("identity.firms", lambda: _Firms(ctx.flows.payments))


def payee_variant(ctx):
    variant = _Variants(ctx.settings)
    firms = _firms(ctx)
    accounts, projects = firms.accounts, firms.projects
    if not accounts and not projects:
        return
    by_account: dict[str, dict[str, list]] = defaultdict(dict)
    by_project: dict[str, dict[str, list]] = defaultdict(dict)
    for pay, account in zip(firms.paid, firms.account_of, strict=True):
        name = pay.entry.payee
        if account in accounts:
            by_account[account].setdefault(name, []).append(pay)
        if pay.project in projects:
            by_project[pay.project].setdefault(name, []).append(pay)
    reported = set()
    for account, names in by_account.items():
        if len(names) < 2:
            continue
        order = sorted(names, key=lambda n: names[n][0].entry.date)
        for i, later in enumerate(order):
            for earlier in order[:i]:
                how = variant(earlier, later)
                if not how:
                    continue
                reported.add((min(earlier, later), max(earlier, later)))
                first, pays = names[earlier][0], names[later]
                yield findings.emit(
                    "payee-variant", f"account|{account}|{earlier}|{later}", pays[0].entry,
                    amount=sum((p.amount for p in pays), ZERO),
                    links=tuple(first.entry.links) + tuple(x for p in pays for x in p.entry.links),
                    name=later, earlier_name=earlier, how=how, account=ctx.masker.account(account),
                    day=pays[0].entry.date, earlier=first.entry.date, project=pays[0].project)
                break
    for project, names in by_project.items():
        if len(names) < 2:
            continue
        order = sorted(names, key=lambda n: names[n][0].entry.date)
        for i, later in enumerate(order):
            for earlier in order[:i]:
                pair = (min(earlier, later), max(earlier, later))
                if pair in reported:
                    continue
                how = variant(earlier, later)
                if not how:
                    continue
                reported.add(pair)
                pay = names[later][0]
                # the earlier name's last payment before the later name's first
                first = max((p for p in names[earlier] if p.entry.date <= pay.entry.date),
                            key=lambda p: p.entry.date)
                yield findings.emit(
                    "payee-variant", f"project|{project}|{earlier}|{later}", pay.entry,
                    amount=pay.amount, variant="project", links=first.entry.links,
                    name=later, earlier_name=earlier, how=how, project=project,
                    day=pay.entry.date, earlier=first.entry.date,
                    days=(pay.entry.date - first.entry.date).days, earlier_amount=first.amount)


def shared_account(ctx):
    variant = _Variants(ctx.settings)
    firms = _firms(ctx)
    if not firms.accounts:
        return
    cards = _people(ctx).first
    by_account: dict[str, dict[str, list]] = defaultdict(dict)
    for pay, account in zip(firms.paid, firms.account_of, strict=True):
        if account in firms.accounts and account not in cards:
            by_account[account].setdefault(pay.payee, []).append(pay)
    for account, keys in by_account.items():
        if len(keys) < 2:
            continue
        firms: list[str] = []  # one reduced name per firm, in the order first paid
        firm_of: dict[str, int] = {}  # reduced name -> its firm (a variant is its firm's)
        for key in sorted(keys, key=lambda k: keys[k][0].entry.date):
            known = next((n for n, name in enumerate(firms) if variant.keys_alike(key, name)), None)
            if known is None:
                known = len(firms)
                firms.append(key)
            firm_of[key] = known
        if len(firms) < 2:
            continue
        first = keys[firms[0]][0]
        second = keys[firms[1]][0]
        later = sorted((p for key, n in firm_of.items() if n for p in keys[key]),
                       key=lambda p: p.entry.date)
        shown = [keys[key][0].entry.payee for key in firms]
        yield findings.emit(
            "shared-account", f"account|{account}", second.entry,
            amount=sum((p.amount for p in later), ZERO), date=second.entry.date,
            links=tuple(first.entry.links) + tuple(x for p in later for x in p.entry.links),
            account=ctx.masker.account(account), names=tuple(shown), count=len(firms),
            first=shown[0], name=shown[1], day=second.entry.date, earlier=first.entry.date)


RULES = {"shared-card": shared_card, "card-mismatch": card_mismatch, "payee-variant": payee_variant,
         "shared-account": shared_account, "id-multi-name": id_multi_name}
