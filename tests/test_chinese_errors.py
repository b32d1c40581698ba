"""Fava's errors page (错误) on a demo county with a planted bad setting, a planted malformed
disposition and a planted master-data typo: every error Chinese, no rule slug nor English
phrase, each naming the setting, the directive and the value, at the line a county edits."""

import json

from chinese_only import english
from conftest import copy_workspace

from fundtrail.web.serve import create_app

PLUGIN = 'plugin "fundtrail.plugins.checks"\n'


def test_the_errors_page_of_a_county_with_planted_mistakes_is_chinese(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    root = tmp_path / "county"
    copy_workspace(demo[0], root)
    main = root / "main.beancount"
    text = main.read_text("utf-8")
    assert PLUGIN in text
    planted = ('\n2025-01-10 custom "finding" "F-0000000000" "关闭" "已核实"\n'
               '2025-01-12 custom "finding" "F-0000000001" "误报"\n'
               '2024-03-07 custom "loan" "L2099-001"\n  amount: "五万"\n')
    main.write_text(text.replace(PLUGIN, PLUGIN.replace('"\n', '''" "{'split_limit': 'abc'}"\n'''))
                    + planted, "utf-8")
    lines = main.read_text("utf-8").splitlines()
    line = {word: next(n for n, t in enumerate(lines, 1) if word in t)
            for word in ("fundtrail.plugins.checks", "关闭", "F-0000000001", "L2099-001")}

    client = create_app(str(main)).test_client()
    slug = client.get("/").headers["Location"].strip("/").split("/")[0]
    shown = client.get(f"/{slug}/api/errors").get_json()["data"]
    got = sorted((e["source"]["lineno"], e["message"]) for e in shown)
    assert [m for _, m in got if english(m)] == []
    assert got == sorted([
        (line["fundtrail.plugins.checks"],
         "检查设置 split_limit（须招标或审批的金额限额（元））的值 'abc' 无效：应为金额（数字，如 300000），"
         "不小于 0；本次按默认值（400000）检查"),
        (line["关闭"], "未知的处置 '关闭'，应为分派、复核、溯源、整改、核实中、误报、已整改之一"),
        (line["F-0000000001"], '处置应写为 custom "finding" "<疑点编号>" "<状态或步骤>" "<理由>"，'
                               "实际只写了 2 个值（缺少理由）"),
        (line["L2099-001"], "主数据有误：custom \"loan\" \"L2099-001\" 指令的 amount 应为金额（如 100000.00），"
                            "实际为 '五万'，本次按未填写读取"),
    ]), json.dumps(shown, ensure_ascii=False)
    assert {e["source"]["filename"] for e in shown} == {str(main)}
