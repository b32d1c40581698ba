"""Whether a message a user reads carries English: three English words in a row (a phrase such
as "must be a date" or "rule X failed"). Names the county writes (a setting's name, a metadata
key, an account, `custom "finding"`, a file name) are no phrase and pass."""

import re

_PHRASE = re.compile(r"\b[A-Za-z]+ [A-Za-z]+ [A-Za-z]+\b")


def english(message: str) -> list[str]:
    """The English phrases in `message` (none: [])."""
    return _PHRASE.findall(str(message))
