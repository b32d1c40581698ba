"""beancount's own errors in Chinese: the one place that words them for an accountant.

beancount writes its errors in English ("Balance failed for 'Assets:Bank:ICBC-9876': expected
100.00 CNY != accumulated 90.00 CNY (10.00 too little)"). Wherever such an error reaches a person
(Fava's errors page and its error count, `fundtrail check`, `verify`, `seal`, `import`), it is
shown in the wording of `chinese(message, entry)`: the same facts (account, amounts, currency,
date, file, the text beancount could not read), in Chinese; a failed balance also names the day
it was asserted for (its entry's date), which beancount's text leaves to the line.

- The messages beancount really writes for a county's books (its parser and lexer, booking,
  pad, balance, validation, documents and loader; `_WORDING` below) each have their Chinese form.
  A file named in a message is named by its place in the workspace (fundtrail.workspace.shown_name),
  never by the machine's path.
- A message fundtrail wrote itself (a finding, a checks setting, a seal, the loading policy) is
  Chinese already and is left as it is, never translated twice.
- A message neither knows gets a Chinese lead-in, and beancount's text after it unchanged
  (`账簿错误（beancount 原文）：…`), so that nothing it says is lost.

`in_chinese(error)` is a copy of the error with the Chinese message: the same type, `source`
(file and line, which Fava's links and bean-check's `file:line` read) and `entry`, so that
whatever counts or sorts errors by type still does; the error given keeps beancount's text.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable

from fundtrail.findings import Finding
from fundtrail.workspace import shown_name

UNKNOWN = "账簿错误（beancount 原文）："
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")  # an account, narration or file a message quotes

# beancount's grammar tokens (the `syntax error, unexpected X, expecting A or B` of its parser)
_TOKENS = {
    "end of file": "文件结尾", "EOL": "行尾", "INDENT": "缩进", "PIPE": "“|”", "ATAT": "“@@”",
    "AT": "“@”", "LCURLCURL": "“{{”", "RCURLCURL": "“}}”", "LCURL": "“{”", "RCURL": "“}”",
    "COMMA": "“,”", "TILDE": "“~”", "HASH": "“#”", "ASTERISK": "“*”", "SLASH": "“/”",
    "COLON": "“:”", "PLUS": "“+”", "MINUS": "“-”", "LPAREN": "“(”", "RPAREN": "“)”",
    "FLAG": "标记", "CAPITAL": "标记", "TXN": "txn", "BALANCE": "balance", "OPEN": "open",
    "CLOSE": "close", "COMMODITY": "commodity", "PAD": "pad", "EVENT": "event", "PRICE": "price",
    "NOTE": "note", "DOCUMENT": "document", "QUERY": "query", "CUSTOM": "custom",
    "PUSHTAG": "pushtag", "POPTAG": "poptag", "PUSHMETA": "pushmeta", "POPMETA": "popmeta",
    "OPTION": "option", "INCLUDE": "include", "PLUGIN": "plugin", "NONE": "空值",
    "BOOL": "TRUE/FALSE", "DATE": "日期", "ACCOUNT": "科目", "CURRENCY": "币种",
    "STRING": "带双引号的文字", "NUMBER": "数字", "TAG": "标签", "LINK": "链接", "KEY": "元数据键",
}
# what `datetime.date` says of a date the lexer could not make (2025-13-01, 2025-02-30)
_DATES = {
    "month must be in 1..12": "月份应为 1 至 12",
    "day is out of range for month": "该月没有这一天",
}
_PARTS = {"units": "金额", "cost": "成本", "price": "价格"}


def _token(name: str) -> str:
    return _TOKENS.get(name.strip(), name.strip())


def _file(path: str) -> str:
    return shown_name(path) if path.startswith("/") else path


def _residual(text: str) -> str:
    return text.strip().removeprefix("(").removesuffix(")")


def _balance_failed(m: re.Match, entry) -> str:
    expected, accumulated = m["expected"], m["accumulated"]
    currency = expected.split()[-1] if " " in expected else ""
    direction = "多" if m["how"] == "much" else "少"
    when = f"{entry.date}（当日交易之前）" if getattr(entry, "date", None) else "断言日（当日交易之前）"
    return (f"余额断言不符：科目 {m['account']} 在 {when}应为 {expected}，账面累计为 {accumulated}，"
            f"账面{direction} {m['diff']} {currency}".rstrip()
            + "；请核对该日以前的分录与银行对账单或余额表")


def _syntax(m: re.Match, entry) -> str:
    wanted = [_token(t) for t in re.split(r" or ", m["expecting"])] if m["expecting"] else []
    text = f"语法错误：此处不应出现{_token(m['unexpected'])}"
    return text + (f"，应为{'、'.join(dict.fromkeys(wanted))}" if wanted else "") + \
        "；请检查该行（或上一行）的写法"


def _lexer_value(m: re.Match, entry) -> str:
    why = m["why"].strip()
    if why in _DATES:
        return f"日期无效：{_DATES[why]}；请检查该行的日期（应为 YYYY-MM-DD）"
    if why.startswith("year ") and why.endswith("out of range"):
        return "日期无效：年份超出范围；请检查该行的日期（应为 YYYY-MM-DD）"
    return f"无法读取该行的内容（{m['kind']}：{why}）；请检查该行的写法"


def _no_match(m: re.Match, entry) -> str:
    posting = m["posting"]
    account = re.search(r"account='([^']*)'", posting)
    units = re.search(r"units=(-?[\d.,]+ [A-Z][A-Z0-9'._-]*)", posting)
    what = (f"科目 {account[1]} 的 {units[1]}" if account and units else
            f"科目 {account[1]}" if account else posting)
    return f"冲减持仓时找不到相符的持仓：{what}，该科目当前余额为 {_residual(m['balance'])}"


def _tags_late(m: re.Match, entry) -> str:
    names = [f"#{t}" for t in re.findall(r"'([^']*)'", m["tags"] or "")]
    names += [f"^{t}" for t in re.findall(r"'([^']*)'", m["links"] or "")]
    shown = "、".join(names) or m[0]
    return f"标签或链接（{shown}）须写在交易的首行，不能写在分录行之后"


def _plugin(lead: str) -> Callable[[re.Match, object], str]:
    def word(m: re.Match, entry) -> str:
        detail = [line.strip() for line in m["detail"].strip().splitlines() if line.strip()]
        last = re.sub(r"\s*\(/[^)]*\)$", "", detail[-1]) if detail else ""
        return f"插件 {m['plugin']} {lead}" + (f"（原文：{last}）" if last else "")
    return word


# beancount's message (fully matched, in order) -> its Chinese wording: a format string over the
# named groups, or a function of the match and the error's entry
_WORDING: list[tuple[re.Pattern, str | Callable[[re.Match, object], str]]] = [(re.compile(p, re.S), w) for p, w in [
    # ops/balance.py
    (r"Balance failed for '(?P<account>[^']*)': expected (?P<expected>.+?) != accumulated "
     r"(?P<accumulated>.+?) \((?P<diff>\S+) too (?P<how>much|little)\)", _balance_failed),
    (r"Invalid currency '(?P<currency>[^']*)' for Balance directive: ?",
     "余额断言的币种 {currency} 不是该科目开设时允许的币种"),
    # ops/validation.py
    (r"Invalid reference to unknown account '(?P<account>[^']*)'",
     "引用了未开设的科目 {account}：请先用 open 指令开设该科目，或检查科目名的拼写"),
    (r"Invalid reference to inactive account '(?P<account>[^']*)'",
     "引用的科目 {account} 此时未处于开设期（尚未开设或已关闭）：请检查分录日期与该科目的 open/close 日期"),
    (r"Duplicate open directive for (?P<account>\S+)",
     "科目 {account} 重复开设：已有一条 open 指令，请删去多余的一条"),
    (r"Duplicate close directive for (?P<account>\S+)",
     "科目 {account} 重复关闭：已有一条 close 指令，请删去多余的一条"),
    (r"Internal error: closing date for (?P<account>\S+) appears before opening date",
     "科目 {account} 的关闭日期早于开设日期"),
    (r"Unopened account (?P<account>\S+) is being closed",
     "关闭了未开设的科目 {account}：请检查科目名的拼写"),
    (r"Duplicate balance assertion with different amounts",
     "同一科目、同一日期有两条金额不同的余额断言：请保留正确的一条"),
    (r"Duplicate commodity directives for '(?P<currency>[^']*)'",
     "币种 {currency} 重复定义（commodity 指令）"),
    (r"Invalid currency (?P<currency>\S+) for account '(?P<account>[^']*)'",
     "科目 {account} 不允许币种 {currency}（该科目开设时限定了币种）"),
    (r"Invalid relative path for entry", "凭证（document）的文件路径无效：应为绝对路径"),
    (r"Invalid data types: (?P<detail>.*)", "分录的数据类型有误（原文：{detail}）"),
    (r"Transaction does not balance: (?P<residual>.*)",
     lambda m, e: f"交易借贷不平衡：各分录行合计差额为 {_residual(m['residual'])}，请核对各行金额"),
    # ops/pad.py
    (r"Unused Pad entry",
     "补差指令（pad）未被使用：其后没有需要补差的余额断言，请删去或检查该科目的余额断言"),
    (r"Attempt to pad an entry with cost for balance: (?P<balance>.*)",
     "不能对按成本计价的持仓补差：{balance}"),
    # ops/documents.py
    (r'File does not exist: "(?P<path>[^"]*)"',
     lambda m, e: f"凭证文件不存在：{_file(m['path'])}"),
    (r"Document root '(?P<path>[^']*)' does not exist",
     lambda m, e: f"凭证目录不存在：{_file(m['path'])}"),
    (r"Document '(?P<path>[^']*)' found in child account (?P<account>\S+)",
     lambda m, e: f"凭证 {_file(m['path'])} 放在了下级科目 {m['account']} 的目录中"),
    (r"Document '(?P<path>[^']*)' found in parent account (?P<account>\S+)",
     lambda m, e: f"凭证 {_file(m['path'])} 放在了上级科目 {m['account']} 的目录中"),
    (r"Invalid date on document file '(?P<path>[^']*)': (?P<detail>.*)",
     lambda m, e: f"凭证文件名中的日期无效：{_file(m['path'])}（原文：{m['detail']}）"),
    # parser/booking_full.py, booking_method.py, booking.py
    (r"You may not have more than one auto-posting per currency",
     "同一币种只能有一行不写金额（由系统补足）的分录行，本交易有多行"),
    (r"Failed to categorize posting (?P<number>\d+)", "第 {number} 行分录无法确定币种"),
    (r"Could not resolve (?P<part>\w+) currency",
     lambda m, e: f"无法确定{_PARTS.get(m['part'], m['part'])}的币种：请在金额后写明币种（如 CNY）"),
    (r'No position matches "(?P<posting>.*)" against balance (?P<balance>.*)', _no_match),
    (r"Too many missing numbers for currency group '(?P<currency>[^']*)'",
     "币种 {currency} 的分录行缺少的金额过多，无法推算：每个币种最多一行不写金额"),
    (r"Cannot infer per-unit cost only from total", "无法仅由总成本推算单位成本"),
    (r"Cannot infer price for postings with units held at cost", "无法为按成本计价的分录行推算价格"),
    (r'Amount is zero: "(?P<amount>[^"]*)"', "分录行的金额为零：{amount}"),
    (r'Cost is negative: "(?P<cost>[^"]*)"', "分录行的成本为负数：{cost}"),
    (r"Self-reduction is not allowed", "同一交易中不能既增加又冲减同一持仓"),
    (r'Not enough lots to reduce "(?P<posting>[^"]*)": (?P<lots>.*)',
     "可冲减的持仓不足：要冲减 {posting}，现有 {lots}"),
    (r'Ambiguous matches for "(?P<posting>[^"]*)": (?P<lots>.*)',
     "冲减 {posting} 时有多个持仓可以匹配：{lots}"),
    (r"AVERAGE method is not supported", "不支持平均成本（AVERAGE）记账方法"),
    (r"Cannot merge positions in multiple currencies: (?P<detail>.*)", "不能合并多个币种的持仓：{detail}"),
    (r"Explicit cost reductions aren't supported yet: (?P<detail>.*)", "不支持按指定成本冲减持仓：{detail}"),
    (r"Transaction has incomplete elements", "交易不完整：有无法推算的金额或币种"),
    (r"Reducing position results in inventory with positive and negative lots: (?P<detail>.*)",
     "冲减后该科目的持仓同时有正有负：{detail}"),
    (r"Cost syntax not supported; cost spec ignored", "不支持这种成本写法，已忽略该成本"),
    # parser/lexer.l and grammar.y/grammar.py
    (r"Invalid token: '(?P<text>.*)'",
     "无法识别的写法“{text}”：请检查该行（科目名每段以大写字母开头，文字须加英文双引号，元数据须缩进写在指令之下）"),
    (r"(?P<kind>ValueError|InvalidOperation|OverflowError): (?P<why>[^\n]*)", _lexer_value),
    (r"syntax error, unexpected (?P<unexpected>[^,]+?)(?:, expecting (?P<expecting>.+))?", _syntax),
    (r"Unbalanced pushed tag: '(?P<tag>[^']*)'", "pushtag #{tag} 没有对应的 poptag"),
    (r"Unbalanced metadata key '(?P<key>[^']*)'; leftover metadata '(?P<values>.*)'",
     "pushmeta {key} 没有对应的 popmeta（余下的值：{values}）"),
    (r"Invalid account name: (?P<account>.*)",
     "科目名无效：{account}（应以本账簿的五类根科目之一开头，每段以大写字母或汉字开头）"),
    (r"Pipe symbol is deprecated\.", "竖线“|”分隔付款人与摘要的写法已不再支持，请分别写成两段带双引号的文字"),
    (r"Attempting to pop absent tag: '(?P<tag>[^']*)'", "poptag #{tag} 之前没有对应的 pushtag"),
    (r"Attempting to pop absent metadata key: '(?P<key>[^']*)'", "popmeta {key} 之前没有对应的 pushmeta"),
    (r"Invalid option: '(?P<key>[^']*)'", "未知的选项 {key}：请检查 option 的名称"),
    (r"Option '(?P<key>[^']*)' may not be set", "选项 {key} 不能在账簿中设置"),
    (r"Error for option '(?P<key>[^']*)': (?P<value>.*)", "选项 {key} 的值有误（原文：{value}）"),
    (r"Invalid booking method: (?P<method>.*)", "无效的记账方法：{method}"),
    (r"Negative prices are not allowed: (?P<price>.+?) \(see .*\)", "价格不能为负数：{price}"),
    (r"Total price on a posting without units: (?P<price>.*?)\.?", "没有金额的分录行不能写总价：{price}"),
    (r"Cost and price currencies must match: (?P<a>.*) != (?P<b>.*)",
     "成本与价格的币种应一致：{a} 与 {b}"),
    (r"Too many strings on transaction description: (?P<strings>.*)",
     "交易首行带双引号的文字过多：最多两段（付款人、摘要），实际为 {strings}"),
    (r"Tags or links not allowed after first Posting: TagsLinks\(tags=(?P<tags>\{[^}]*\}|set\(\)), "
     r"links=(?P<links>\{[^}]*\}|set\(\))\)", _tags_late),
    (r"Tags or links not allowed after first Posting: (?P<detail>.*)",
     "标签或链接须写在交易的首行，不能写在分录行之后：{detail}"),
    (r"Duplicate metadata field on entry: (?P<key>.*)", "指令的元数据字段重复：{key}"),
    (r"Duplicate posting metadata field: (?P<key>.*)", "分录行的元数据字段重复：{key}"),
    (r"Duplicate cost: '(?P<cost>[^']*)'\.", "成本重复：{cost}"),
    (r"Duplicate date: '(?P<date_>[^']*)'\.", "成本中的日期重复：{date_}"),
    (r"Duplicate label: '(?P<label>[^']*)'\.", "成本中的标签重复：{label}"),
    (r"Cost merging is not supported yet", "不支持合并成本的写法"),
    (r"Duplicate merge-cost spec", "合并成本的写法重复"),
    (r"Per-unit cost may not be specified using total cost syntax: '(?P<cost>[^']*)'; ignoring per-unit cost",
     "总成本写法中不能再写单位成本：{cost}，已忽略单位成本"),
    # loader.py
    (r'Duplicate filename parsed: "(?P<path>[^"]*)"', lambda m, e: f"文件 {_file(m['path'])} 被重复包含"),
    (r'File "(?P<path>[^"]*)" does not exist', lambda m, e: f"文件不存在：{_file(m['path'])}"),
    (r'File glob "(?P<pattern>[^"]*)" does not match any files',
     lambda m, e: f"包含的文件不存在：{_file(m['pattern'])}"),
    (r'Error importing "(?P<plugin>[^"]*)": (?P<detail>.*)', _plugin("无法导入，未运行")),
    (r'Error applying plugin "(?P<plugin>[^"]*)": (?P<detail>.*)', _plugin("运行出错，其检查未完成")),
]]


def chinese(message: str, entry=None) -> str:
    """The Chinese wording of one of beancount's error messages (`entry`: the error's entry,
    whose date some wordings name). fundtrail's own (Chinese) messages come back unchanged; a
    message this module does not know, with a Chinese lead-in and the text unchanged after it."""
    text = str(message).strip()
    for pattern, wording in _WORDING:
        m = pattern.fullmatch(text)
        if m:
            if callable(wording):
                return wording(m, entry)
            return wording.format(**m.groupdict(""))
    if not text or _CJK.search(_QUOTED.sub("", text)):  # Chinese outside what it quotes
        return message
    return UNKNOWN + text


def in_chinese(error):
    """`error` with its message in Chinese: a copy of the same type, source and entry; the error
    itself when its message needs no change (a finding, fundtrail's own errors)."""
    message = getattr(error, "message", None)
    if not isinstance(message, str) or isinstance(error, Finding):
        return error
    worded = chinese(message, getattr(error, "entry", None))
    if worded == message:
        return error
    if hasattr(error, "_replace"):
        clone = error._replace(message=worded)
    else:
        clone = copy.copy(error)
        try:
            object.__setattr__(clone, "message", worded)
        except (AttributeError, TypeError):
            return error
    return clone


def all_in_chinese(errors: Iterable) -> list:
    """`in_chinese` of each error, in order."""
    return [in_chinese(e) for e in errors]
