"""A common password is refused however it is typed: blanks around it (a paste) and full-width
letters and digits (a Chinese input method left in full-width mode) passed the list."""

import pytest

from fundtrail.web import users


@pytest.mark.parametrize("typed", [" password1", "password1 ", "Password1\t", "ｐａｓｓｗｏｒｄ１",
                                   "　woaini1314　"])
def test_a_common_password_typed_otherwise_is_refused(typed):
    assert "常用密码" in users.password_weakness(typed)


def test_an_uncommon_password_with_blanks_is_accepted():
    assert users.password_weakness(" qingHe-2026 county ") == ""
