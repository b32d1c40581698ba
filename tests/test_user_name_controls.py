"""A user name carrying a format or C1 control character is refused: it is the git author of
that user's web saves, and a bidi override (王\u202e计审 shows as 王审计) let one name pose as
another in `git log` and `fundtrail history`."""

import pytest

from fundtrail import history
from fundtrail.web import users


@pytest.mark.parametrize("name", ["王\u202e计审", "张\u200b会计", "li\x85si", "\u2066王审计"])
def test_a_name_with_a_format_or_c1_control_is_refused(tmp_path, name):
    with pytest.raises(users.UsersFileError, match="控制字符"):
        users.add(tmp_path / "u.json", name, "auditor", "shenji-2025x")
    assert not (tmp_path / "u.json").exists()
    root = tmp_path / "ws"
    root.mkdir()
    (root / "main.beancount").write_text("", "utf-8")
    history.init(root, "新建 init")
    (root / "main.beancount").write_text("; 改动\n", "utf-8")
    with pytest.raises(history.HistoryError):
        history.commit(root, "网页保存 web save", author=name)


def test_a_plain_chinese_or_latin_name_is_kept():
    assert history.author_problem("王审计") == "" and history.author_problem("Zhang San") == ""
