"""Fava's import page through `fundtrail serve`: it lists the inbox's files and extracts them as
they are, so a role that is not internal gets a Chinese 403 page (or a JSON error from the API),
and the inbox's files are not sent through `/document/` either; the accountant keeps the page."""

import json
import re
import shutil
from urllib.parse import quote

import pytest

from fundtrail import history
from fundtrail.web import users
from fundtrail.web.serve import create_app, secure

ID = "370405198803041234"


@pytest.fixture(scope="module")
def site(demo, tmp_path_factory):
    root = tmp_path_factory.mktemp("inbox") / "ws"
    shutil.copytree(demo[0], root)
    main = root / "main.beancount"
    main.write_text(main.read_text("utf-8").replace(
        'custom "fava-extension" "fundtrail.fava_ext"',
        'custom "fava-extension" "fundtrail.fava_ext" "{\'internal_roles\': [\'accountant\']}"\n'
        '2023-01-01 custom "fava-option" "import-dirs" "inbox"'), "utf-8")
    (root / "inbox" / "Bank").mkdir(parents=True, exist_ok=True)
    statement = root / "inbox" / "Bank" / "roster-张三.csv"
    statement.write_text(f"姓名,身份证号,金额\n张三,{ID},1000.00\n", "utf-8")
    history.init(root, "新建 init")
    users_path = root.parent / "users.json"
    users.add(users_path, "张会计", "accountant", "kuaiji-123")
    users.add(users_path, "李审计", "auditor", "shenji-456")
    return secure(create_app(str(main)), main, users_path), statement


def client(app, name, password):
    c = app.test_client()
    page = c.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert c.post("/login", data={"name": name, "password": password, "next": "/",
                                  "csrf_token": token}).status_code == 302
    return c, c.get("/").headers["Location"].strip("/").split("/")[0]


def test_a_role_that_is_not_internal_gets_no_import_page(site):
    app, statement = site
    c, bfile = client(app, "李审计", "shenji-456")
    page = c.get(f"/{bfile}/import/")
    assert page.status_code == 403 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "无权使用导入页" in text and "roster" not in text and ID not in text
    listing = c.get(f"/{bfile}/api/imports")
    assert listing.status_code == 403 and "无权使用导入页" in json.loads(listing.get_data(as_text=True))["error"]
    assert "roster" not in listing.get_data(as_text=True)
    name = quote(str(statement))
    extract = c.get(f"/{bfile}/api/extract?filename={name}&importer=x")
    assert extract.status_code == 403 and ID not in extract.get_data(as_text=True)
    document = c.get(f"/{bfile}/document/?filename={name}")
    assert document.status_code == 403 and ID not in document.get_data(as_text=True)
    # the pages it may read are still served
    assert c.get(f"/{bfile}/income_statement/").status_code == 200


def test_the_accountant_keeps_the_import_page_but_not_in_the_public_preview(site):
    app, statement = site
    c, bfile = client(app, "张会计", "kuaiji-123")
    assert c.get(f"/{bfile}/import/").status_code == 200
    assert c.get(f"/{bfile}/api/imports").status_code == 200  # empty: serve runs no import-config
    assert c.get(f"/{bfile}/document/?filename={quote(str(statement))}").get_data() == statement.read_bytes()
    assert c.get(f"/{bfile}/import/?public=1").status_code == 403
