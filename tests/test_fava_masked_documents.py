"""A role that is not internal opening a document through Fava (`/document/`): Fava sends the
file as it is on disk, so a 一卡通 payout roll (a spreadsheet of ID and card numbers) reached an
outside auditor in the clear, and a GBK bank statement was an internal error. A text document is
served masked whatever its encoding; one that cannot be masked as text is refused; the
accountant gets every file as it is."""

import io
import re
import zipfile

import pytest
from test_serve_guard import login, slug, workspace  # noqa: F401 (workspace: a fixture)

from fundtrail.web.serve import create_app, secure


@pytest.fixture(scope="module")
def site(workspace):  # noqa: F811 (the fixture imported above)
    """The guarded demo (only accountants internal) with its documents folder given to Fava."""
    root, users_path = workspace
    main = root / "main.beancount"
    main.write_text('option "documents" "documents"\n' + main.read_text("utf-8"), "utf-8")
    return root, secure(create_app(str(main)), main, users_path)


def numbers_in(data: bytes) -> set[str]:
    """ID numbers (18 characters) and card numbers (16-19 digits) in a file, a workbook's too."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        data = b"".join(book.read(name) for name in book.namelist())
    except zipfile.BadZipFile:
        pass
    text = data.decode("utf-8", "replace")
    return set(re.findall(r"(?<![0-9])(?:\d{17}[\dX]|\d{16,19})(?![0-9])", text))


def document(c, root, pattern):
    path = sorted((root / "documents").rglob(pattern))[0]
    return path, c.get(f"/{slug(c)}/document/", query_string={"filename": str(path)})


def test_a_payout_roll_is_not_sent_to_a_role_that_is_not_internal(site):
    root, app = site
    accountant, _ = login(app, "张会计", "kuaiji-123")
    auditor, _ = login(app, "李审计", "shenji-456")
    path, clear = document(accountant, root, "*yikatong*.xlsx")
    assert clear.status_code == 200 and clear.get_data() == path.read_bytes()
    assert len(numbers_in(clear.get_data())) > 10  # the roll holds ID and card numbers
    _, refused = document(auditor, root, "*yikatong*.xlsx")
    assert refused.status_code == 403 and "无法脱敏" in refused.get_data(as_text=True)
    assert not numbers_in(refused.get_data())
    preview = accountant.get(f"/{slug(accountant)}/document/",
                             query_string={"filename": str(path), "public": "1"})
    assert preview.status_code == 403  # the accountant's ?public=1 preview


def test_a_gbk_statement_is_served_masked_and_readable(site):
    root, app = site
    auditor, _ = login(app, "李审计", "shenji-456")
    statements = [p for p in sorted((root / "documents").rglob("*.csv"))
                  if not _utf8(p.read_bytes())]
    assert statements, "the demo has a GBK statement"
    response = auditor.get(f"/{slug(auditor)}/document/", query_string={"filename": str(statements[0])})
    assert response.status_code == 200, response.status_code
    text = response.get_data(as_text=True)
    assert text.splitlines()[0] == statements[0].read_bytes().decode("gb18030").splitlines()[0]
    assert not numbers_in(response.get_data())


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
