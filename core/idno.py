"""The one normalisation of an ID number (身份证号), and of a card or bank account number, as
every register, rule, export and page compares, hashes and masks them.

    id_no(" 37040５1962０315123x ") -> "37040519620315123X"
    account_no("6231 5618-8801 ６４７") -> "623156188801647"

Full-width characters are folded to ASCII (NFKC), spaces and hyphens dropped, and the check
letter X upper-cased; anything else is kept, so a malformed number stays visible as written.
A module of its own, importing nothing of fundtrail, so that the master data, the masking
policy and the flow index (`fundtrail.flows.id_no`) can all read it.
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-]")


def id_no(value) -> str:
    """An ID number as the registers and the rules compare it: full-width folded, spaces and
    hyphens dropped, X upper-cased ("" for a missing one)."""
    text = str(value or "")
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _SEPARATORS.sub("", text).upper()


def account_no(value) -> str:
    """A card (一卡通, 社保卡) or bank account number as the rules compare it and the province
    hashes it: full-width folded, spaces and hyphens dropped; "" when it holds no digit."""
    if type(value) is str and value.isdigit() and value.isascii():
        return value
    text = str(value or "")
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = _SEPARATORS.sub("", text)
    return text if any(c.isdigit() for c in text) else ""
