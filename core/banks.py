"""Banks by their codes: the one table of the Chinese names a county's statements and registers
write (工商银行, 工行, 农商行 …) and the short codes account names carry (ICBC, RCB …).

    banks.code_in("中国工商银行对公账户明细")   -> "ICBC"   (None when no bank is named)
    banks.name("ICBC") -> "工商银行";  banks.name("QHRCB") -> "农商银行" (a local bank's code ends
    in the kind of bank it is: RCB, RCC, VTB); an unknown code comes back as it is
"""

from __future__ import annotations

# (a word a file writes, the bank's code), most telling first; the first word of a code is its name
WORDS = [("工商银行", "ICBC"), ("工行", "ICBC"), ("农业银行", "ABC"), ("农行", "ABC"), ("中国银行", "BOC"),
         ("中行", "BOC"), ("建设银行", "CCB"), ("建行", "CCB"), ("交通银行", "BOCOM"), ("交行", "BOCOM"),
         ("邮政储蓄", "PSBC"), ("邮储", "PSBC"), ("招商银行", "CMB"), ("招行", "CMB"), ("中信银行", "CITIC"),
         ("兴业银行", "CIB"), ("浦发", "SPDB"), ("浦东发展", "SPDB"), ("民生银行", "CMBC"),
         ("光大银行", "CEB"), ("华夏银行", "HXB"), ("广发银行", "CGB"), ("平安银行", "PAB"),
         ("农村商业银行", "RCB"), ("农商银行", "RCB"), ("农商行", "RCB"), ("信用合作", "RCC"),
         ("信用社", "RCC"), ("村镇银行", "VTB")]
NAMES = {"ICBC": "工商银行", "ABC": "农业银行", "BOC": "中国银行", "CCB": "建设银行", "PSBC": "邮储银行",
         "BOCOM": "交通银行", "CMB": "招商银行", "CITIC": "中信银行", "CIB": "兴业银行", "SPDB": "浦发银行",
         "CMBC": "民生银行", "CEB": "光大银行", "HXB": "华夏银行", "CGB": "广发银行", "PAB": "平安银行",
         "RCB": "农商银行", "RCC": "农村信用社", "VTB": "村镇银行"}
_KINDS = ("RCB", "RCC", "VTB")  # a local bank's code: its place, then the kind of bank


def code_in(text: str) -> str | None:
    """The code of the first bank `text` names, or None."""
    return next((code for word, code in WORDS if word in text), None)


def name(code: str) -> str:
    """The Chinese name of the bank with `code` (as given when it is not a code)."""
    upper = code.upper()
    if upper in NAMES:
        return NAMES[upper]
    kind = next((k for k in _KINDS if upper.endswith(k) and upper.isascii() and upper.isalnum()), None)
    return NAMES[kind] if kind else code
