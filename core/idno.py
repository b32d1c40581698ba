"""The one normalisation of an ID number (身份证号), as every register, rule, export and page
compares, hashes and masks it.

    id_no(" 37040５1962０315123x ") -> "37040519620315123X"

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
