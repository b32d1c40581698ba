"""The one masking policy for every public output: ID numbers, bank/card accounts, phones, addresses.

`Masker(policy).text(s)` masks every personal number found anywhere in free text (names,
narrations, metadata): any run of 12 to 23 digits, however grouped by spaces or dashes (an ID
number when it has an ID's shape, with X or not; else a bank or card account), mobile numbers
(with +86/0086 and separators), landlines (0632-8812345), and house numbers in addresses
(3组15号). Full-width digits are read as digits. The ledger's own town and village codes (12
digits, `policy.places`) are not personal and stay. Over-masking a long non-personal number in
free text is the accepted price; evidence links keep theirs through `link()`. The field helpers
mask a value known to be of one kind. Public phone numbers (the supervision phone, 12317) are
listed in `policy.public_phones` and kept.

How much to show is a setting, read from the ledger by `MaskPolicy.from_entries`:

    2023-01-01 custom "masking" "policy"
      id_head: 6          ; keep the region code ...
      id_tail: 0          ; ... and this many trailing characters
      account_tail: 4
      phone_head: 3
      phone_tail: 4
      names: "full"       ; or "surname": 张** (village practice decides)

What is personal: ID numbers, bank card and personal account numbers, phone numbers, house
numbers; in the masked entries (`masked_entries`) also whatever a metadata key that holds a
person's card, ID number or name (`CARD_META`, `ID_META`, `NAME_META`) holds, whatever its shape. What is evidence, never masked, in free text as in links: voucher numbers (a treasury
voucher number is 14 digits, year + VtCode + sequence: 20255201000020), bank serials and the
links fundtrail writes (VOU-20245201000001, PSBC-1188-20241220000003, YKT-QH2024Q2-01-031),
project, fund and loan codes and document numbers (指标文号, 财农〔2024〕20号). `link()` keeps a
link of one of those shapes and masks anything else.

Account names are never rewritten: `text()` keeps every beancount account name
(`Assets:Collective:370405101201`, `Expenses:Project:QH2024-001`) as it is, so the 12-digit
village codes inside them stay and two villages' accounts never become one masked name. Account
names are ASCII codes (place codes, bank and last four digits, project and fund codes): an ID,
card or phone number inside an account name is not expected. A component with 13 or more digits
in a row (an ID or card number, never a code) is not taken for an account name and is masked.

`masker_for(books_or_entries, role)` is the one way to get a masker: the ledger's policy with the
county's and every project's supervision phone public, read once per load (the flow index's
memo), for the role `PUBLIC`; for `INTERNAL` a masker that shows everything as it is. Every
reader uses it: the reports and exports, `fundtrail serve`, the Fava pages, the province export
and the rules that name a person in a finding message (these are always `PUBLIC`: a message is
shown to every role).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from decimal import Decimal

from fundtrail.idno import id_no

NATIONAL_HOTLINE = "12317"
# Bounds that see through separators: a number starts where no digit (or digit + separator) is
# before it and ends where no (separator +) digit follows, so "370405 1962..." is one number.
_START = r"(?<![0-9])(?<![0-9][ \-])"
_END = r"(?![ \-]?[0-9])"
LONG = re.compile(rf"{_START}\d(?:[ \-]?\d){{11,22}}(?:[ \-]?[Xx](?![A-Za-z]))?{_END}")
PREFIXED_MOBILE = re.compile(rf"(?:\+|(?<![0-9])00)86[ \-]?1[3-9]\d(?:[ \-]?\d){{8}}{_END}")
MOBILE = re.compile(rf"{_START}1[3-9]\d(?:[ \-]?\d){{8}}{_END}")
LANDLINE = re.compile(rf"(?:(?:\+|(?<![0-9])00)86[ \-]?)?{_START}(?:\(0\d{{2,3}}\)|0\d{{2,3}})[ \-]?[2-9]\d{{6,7}}{_END}")
ID_SHAPE = re.compile(r"[1-9]\d{5}(?:(?:18|19|20)\d{2})?(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9X]?")
HOUSE = re.compile(r"(?<=[路街巷道村组弄楼栋元号])\d+(?=号|组|弄|栋|单元|室|楼|户)")
LINK = re.compile(  # the shapes of the links fundtrail itself writes; nothing else passes
    r"VOU-\d{14}"  # treasury voucher
    r"|[A-Z]{2,5}-\d{4}-(?:\d{6,14}|OPEN)"  # bank serial or statement timestamp
    r"|YKT-[A-Z0-9]{1,10}(?:-[A-Z0-9]{1,6}){1,3}"  # 一卡通 batch row
    r"|(?:ALLOT-)?[A-Z]{1,4}\d{4}-[A-Z0-9]{1,6}"  # project, fund, loan codes; allotments
    r"|[A-Z]{1,4}\d{4}Q[1-4]-\d{1,3}")  # 一卡通 batch
# Evidence inside free text: a link of one of the shapes above, or a bare 14-digit voucher number
# or bank serial (year first). No ID (15/18), card (16-19) or phone (11) number has 14 digits.
EVIDENCE = re.compile(rf"(?<![A-Za-z0-9\-])(?:{LINK.pattern})(?![A-Za-z0-9]|-\d)"
                      rf"|{_START}(?:19|20)\d{{12}}{_END}")
# A beancount account name of the five default roots, kept whole wherever it sits in a text;
# a component holding 13 or more digits in a row (dashes aside) is no code of the model but a
# personal number, and ends the name there
ACCOUNT = re.compile(r"(?<![A-Za-z0-9:\-])(?:Assets|Liabilities|Equity|Income|Expenses)"
                     r"(?::(?![A-Za-z0-9\-]*\d(?:-?\d){12})[A-Z0-9][A-Za-z0-9\-]*)+(?![A-Za-z0-9\-])")
KEPT = re.compile(f"{ACCOUNT.pattern}|{EVIDENCE.pattern}")
INTERNAL, PUBLIC = "internal", "public"  # the roles `masker_for` knows
_FULL_WIDTH = str.maketrans("０１２３４５６７８９＋－Ｘｘ　", "0123456789+-Xx ")


@dataclass(frozen=True)
class MaskPolicy:
    id_head: int = 6  # keep the region code ...
    id_tail: int = 0  # ... and this many trailing characters
    account_tail: int = 4
    phone_head: int = 3
    phone_tail: int = 4
    names: str = "full"  # "full" (village practice) or "surname"
    public_phones: frozenset[str] = field(default_factory=lambda: frozenset({NATIONAL_HOTLINE}))
    places: frozenset[str] = frozenset()  # the ledger's town and village codes, never personal

    @classmethod
    def from_entries(cls, entries, public_phones=(), places=()) -> MaskPolicy:
        """The ledger's `custom "masking"` settings; public phones and place codes are always
        kept."""
        settings = {}
        ints = {f.name for f in fields(cls) if f.type == "int"}
        for entry in entries:
            if getattr(entry, "type", None) == "masking":
                for key, value in entry.meta.items():
                    if key in ints:
                        number = _count(value)
                        if number is not None:  # else the default: a typo never unmasks
                            settings[key] = number
                    elif key == "names":
                        settings[key] = str(value)
        phones = {NATIONAL_HOTLINE, *(_digits(p) for p in public_phones if p)}
        return cls(**settings, public_phones=frozenset(phones), places=frozenset(places))


def _count(value) -> int | None:
    """A setting's non-negative whole number, else None (-1 would show all but one digit)."""
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if number >= 0 else None


def _digits(value: str) -> str:
    return re.sub(r"[^0-9Xx]", "", str(value).translate(_FULL_WIDTH))


def _keep(value: str, head: int, tail: int) -> str:
    hidden = len(value) - head - tail
    if hidden <= 0:
        return "*" * len(value)
    return value[:head] + "*" * hidden + (value[-tail:] if tail else "")


class Masker:
    def __init__(self, policy: MaskPolicy | None = None):
        self.policy = policy or MaskPolicy()

    def id_no(self, value: str) -> str:
        """An ID number (`fundtrail.idno.id_no`) with its middle hidden; only digits and X kept."""
        return _keep(_digits(id_no(value)), self.policy.id_head, self.policy.id_tail)

    def account(self, value: str) -> str:
        return _keep(_digits(value), 0, self.policy.account_tail)

    def phone(self, value: str) -> str:
        digits = _digits(value)
        if digits in self.policy.public_phones or digits.lstrip("0").removeprefix("86") in \
                self.policy.public_phones:
            return str(value)
        if digits.startswith(("0086", "86")) and len(digits) > 11:
            digits = digits.removeprefix("00").removeprefix("86")
        return _keep(digits, self.policy.phone_head, self.policy.phone_tail)

    def name(self, value: str) -> str:
        value = self.text(value)
        if self.policy.names == "surname" and len(value) >= 2:
            return value[0] + "*" * (len(value) - 1)
        return value

    def address(self, value: str) -> str:
        """Keep the place down to the village; hide what follows (组, 号, 室)."""
        value = self.text(value)
        cut = max(value.rfind("村"), value.rfind("社区") + 1)
        return value[:cut + 1] + "***" if 0 <= cut < len(value) - 1 else value

    def _long_number(self, value: str) -> str:
        """12 to 23 digits: a place code of the ledger kept, an ID number when it has an ID's
        shape, else a bank or card account."""
        digits = id_no(_digits(value))
        if digits in self.policy.places:
            return value
        if len(digits) in (15, 18) and ID_SHAPE.fullmatch(digits):
            return self.id_no(digits)
        return self.account(digits) + ("*" if digits.endswith("X") else "")

    def link(self, value: str) -> str:
        value = str(value)
        return value if LINK.fullmatch(value) else self.text(value)

    def text(self, value) -> str:
        """Every personal number in `value` masked; account names (ACCOUNT) and evidence
        numbers (EVIDENCE) kept."""
        if value is None:
            return ""
        text = str(value).translate(_FULL_WIDTH)
        pieces, last = [], 0
        for match in KEPT.finditer(text):
            pieces += [self._personal(text[last:match.start()]), match.group()]
            last = match.end()
        return "".join(pieces) + self._personal(text[last:])

    def _personal(self, text: str) -> str:
        text = PREFIXED_MOBILE.sub(lambda m: self.phone(m.group()), text)
        text = LONG.sub(lambda m: self._long_number(m.group()), text)
        text = MOBILE.sub(lambda m: self.phone(m.group()), text)
        text = LANDLINE.sub(lambda m: self.phone(m.group()), text)
        return HOUSE.sub(lambda m: "*" * len(m.group()), text)


class Unmasked(Masker):
    """The masker of an internal role: every value shown as it is."""

    def _as_is(self, value) -> str:
        return "" if value is None else str(value)

    id_no = account = phone = name = address = link = text = _as_is


UNMASKED = Unmasked()


def masker_for(source, role: str = PUBLIC) -> Masker:
    """The masker for `role` (INTERNAL or PUBLIC) over `source`: `Books`, a flow index or a list
    of entries. PUBLIC: the ledger's `custom "masking"` policy, the county's and every project's
    supervision phone public, built once per load. Any role but INTERNAL is PUBLIC."""
    if role == INTERNAL:
        return UNMASKED
    index = _index(source)
    return index.memo("masking.masker", lambda: _public_masker(index))


def _index(source):
    from fundtrail.flows import FlowIndex

    if isinstance(source, FlowIndex):
        return source
    index = getattr(source, "index", None)
    return index if isinstance(index, FlowIndex) else FlowIndex.of(source)


def _public_masker(index) -> Masker:
    master = index.master
    phones = [master.county.phone if master.county else ""] + [p.phone for p in master.projects.values()]
    return Masker(MaskPolicy.from_entries(index.customs.get("masking", ()), phones,
                                          [*master.towns, *master.villages]))


# -- entries as a role that is not internal sees them ------------------------------------------

_KEPT_META = ("filename", "lineno")  # where an entry was written: Fava's links to the source
# Metadata keys whose value is a person's card or ID number, masked as one whatever its shape (a
# social security card's 9 characters, a number too short for `text` to take for one), and keys
# whose value is a person's name, shown as the policy's `names` says (docs/ledger-model.md).
CARD_META = frozenset({"card"})
ID_META = frozenset({"id_no", "borrower_id"})
NAME_META = frozenset({"beneficiary", "borrower", "person", "head"})


def masked_entries(entries, masker: Masker) -> tuple[list, dict[int, object]]:
    """`entries` with every personal number masked in the data itself: payees, narrations,
    notes, event descriptions, document names, tags, links, custom values, queries and every
    metadata value (a number stored bare as well as in quotes; a card or ID number under
    CARD_META / ID_META whatever its shape, a name under NAME_META as the policy's `names` says);
    account names, amounts and dates are kept. Returns the new list and a map from id(original) to its masked entry (the
    same object where nothing needed masking), for errors that point at an entry. Whatever
    reads the masked entries, a query that concatenates or cuts fields included, sees only
    masked numbers."""
    out, by_id = [], {}
    masker = _Remembered(masker)
    for entry in entries:
        masked = masked_entry(entry, masker)
        out.append(masked)
        by_id[id(entry)] = masked
    return out, by_id


def masked_entry(entry, masker: Masker):
    """One entry (a beancount directive) as `masked_entries` shows it."""
    if not isinstance(masker, _Remembered):
        masker = _Remembered(masker)
    text = masker.text
    names = masker.stated_names(entry)
    if names:  # a person's name the entry states under a name key, wherever it repeats it
        def text(value, plain=masker.text):
            return _without_names(plain(value), names, masker)
    changes = {}
    meta = _masked_meta(getattr(entry, "meta", None), masker)
    if meta is not None:
        changes["meta"] = meta
    for name in ("payee", "narration", "comment", "description", "type", "filename",
                 "query_string", "name"):
        value = getattr(entry, name, None)
        if isinstance(value, str) and name in entry._fields:
            masked = text(value)
            if masked != value:
                changes[name] = masked
    for name, mask in (("tags", text), ("links", masker.link)):
        values = getattr(entry, name, None)
        if values:
            masked = frozenset(mask(v) for v in values)
            if masked != values:
                changes[name] = masked
    postings = getattr(entry, "postings", None)
    if postings:
        masked_postings = [_masked_posting(p, masker) for p in postings]
        if any(m is not p for m, p in zip(masked_postings, postings, strict=True)):
            changes["postings"] = masked_postings
    values = getattr(entry, "values", None)
    if values and "values" in entry._fields:
        masked_values = [v._replace(value=text(v.value)) if isinstance(v.value, str) and
                         v.dtype is str else v for v in values]
        if any(m.value != v.value for m, v in zip(masked_values, values, strict=True)):
            changes["values"] = masked_values
    return entry._replace(**changes) if changes else entry


class _Remembered:
    """A masker that masks each distinct text once (the same payee, item, fund code and source
    repeat across thousands of entries) and passes a text without a digit as it is."""

    def __init__(self, masker: Masker):
        self.masker, self.seen, self.kinds = masker, {}, {}
        surname = self.surname = masker.policy.names == "surname"
        self.by_key = {**dict.fromkeys(CARD_META, self.account), **dict.fromkeys(ID_META, self.id_no),
                       **dict.fromkeys(NAME_META, self.name if surname else self.text)}

    def stated_names(self, entry) -> tuple[str, ...]:
        """Under the `surname` policy, the names (NAME_META) the entry's or its postings' metadata
        hold, longest first: the payee, narration, key or tag that repeats one is masked alike."""
        if not self.surname:
            return ()
        metas = [getattr(entry, "meta", None) or {}]
        metas += [p.meta for p in getattr(entry, "postings", None) or () if p.meta]
        found = {str(value).strip() for meta in metas for key in NAME_META
                 if (value := meta.get(key)) and isinstance(value, str)}
        return tuple(sorted((n for n in found if len(n) >= 2), key=len, reverse=True))

    def _as(self, kind: str, value) -> str:
        """`value` masked by the masker's method `kind`, once per distinct value."""
        value = value if isinstance(value, str) else str(value)
        shown = self.kinds.get((kind, value))
        if shown is None:
            shown = self.kinds[kind, value] = getattr(self.masker, kind)(value)
        return shown

    def account(self, value) -> str:
        return self._as("account", value) if _DIGIT.search(str(value)) else self.text(value)

    def id_no(self, value) -> str:
        return self._as("id_no", value) if _DIGIT.search(str(value)) else self.text(value)

    def name(self, value) -> str:
        return self._as("name", value)

    def text(self, value) -> str:
        value = value if isinstance(value, str) else str(value)
        if not _DIGIT.search(value):
            return value
        shown = self.seen.get(value)
        if shown is None:
            shown = self.seen[value] = self.masker.text(value)
        return shown

    def link(self, value) -> str:
        value = str(value)
        return value if LINK.fullmatch(value) else self.text(value)


_DIGIT = re.compile(r"[0-9０-９]")


def _without_names(value: str, names: tuple[str, ...], masker: _Remembered) -> str:
    for name in names:
        if name in value:
            value = value.replace(name, masker.name(name))
    return value


def _masked_posting(posting, masker: _Remembered):
    meta = _masked_meta(posting.meta, masker)
    return posting if meta is None else posting._replace(meta=meta)


def _masked_meta(meta, masker: _Remembered) -> dict | None:
    """A masked copy of `meta`, None when nothing in it needed masking. A number (Decimal,
    int) whose digits are personal becomes its masked text; a key of CARD_META, ID_META or
    NAME_META is masked as what it holds."""
    if not meta:
        return None
    masked, changed, by_key, text = {}, False, masker.by_key, masker.text
    for key, value in meta.items():
        if key in _KEPT_META or key.startswith("__") or isinstance(value, bool):
            masked[key] = value
            continue
        if isinstance(value, (str, int, Decimal)):
            shown = by_key.get(key, text)(value)
            if shown != str(value):
                value, changed = shown, True
        masked[key] = value
    return masked if changed else None
