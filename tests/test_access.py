"""Who may see what: without login every page and API is refused; the auditor reads and posts
dispositions but cannot reach the source editor or /api/source; the accountant can."""

import pytest
from click.testing import CliRunner

from fundtrail.cli import main
from fundtrail.web import users
from fundtrail.web.access import protect
from fundtrail.web.serve import create_app


@pytest.fixture(scope="module")
def site(demo, tmp_path_factory):
    root, _ = demo
    users_path = tmp_path_factory.mktemp("users") / "users.json"
    users.add(users_path, "张会计", "accountant", "kuaiji-123")
    users.add(users_path, "李审计", "auditor", "shenji-456")
    fava = create_app(str(root / "main.beancount"))
    seen, inner = {}, fava.wsgi_app

    def spy(environ, start_response):  # Fava, remembering what the layer told it
        seen.update({k: environ.get(k) for k in ("fundtrail.role", "fundtrail.user")})
        return inner(environ, start_response)

    fava.wsgi_app = spy
    protect(fava, users_path)
    return fava, seen, root


def client(site, name=None, password=None):
    fava = site[0]
    c = fava.test_client()
    if name:
        response = c.post("/login", data={"name": name, "password": password, "next": "/"})
        assert response.status_code == 302, response.get_data(as_text=True)
    return c


def slug(site) -> str:
    response = client(site, "张会计", "kuaiji-123").get("/")
    return response.headers["Location"].strip("/").split("/")[0]


def test_without_login_every_page_and_api_is_refused(site):
    c, bfile = client(site), slug(site)
    for path in ("/", f"/{bfile}/income_statement/", f"/{bfile}/editor/", f"/{bfile}/journal/"):
        response = c.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login"), path
    for method, path in (("get", f"/{bfile}/api/source?filename=main.beancount"),
                         ("put", f"/{bfile}/api/source"), ("get", f"/{bfile}/api/changed"),
                         ("post", f"/{bfile}/extension/Fundtrail/disposition")):
        assert getattr(c, method)(path).status_code == 401, path
    login = c.get("/login")
    assert login.status_code == 200 and "密码" in login.get_data(as_text=True)


def test_a_wrong_password_is_refused(site):
    response = client(site).post("/login", data={"name": "李审计", "password": "wrong"})
    assert response.status_code == 401 and "用户名或密码错误" in response.get_data(as_text=True)
    assert "fundtrail_session" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/", "https://evil.example/"])
def test_login_never_redirects_to_another_site(site, target):
    response = client(site).post("/login", data={"name": "李审计", "password": "shenji-456",
                                                  "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_the_auditor_reads_and_posts_dispositions_but_never_the_source(site):
    _fava, seen, root = site
    c, bfile = client(site, "李审计", "shenji-456"), slug(site)
    assert c.get(f"/{bfile}/income_statement/").status_code == 200
    assert seen == {"fundtrail.role": "auditor", "fundtrail.user": "李审计"}
    main_file = root / "main.beancount"
    for method, path in (("get", f"/{bfile}/editor/"),
                         ("get", f"/{bfile}/api/source?filename={main_file}"),
                         ("put", f"/{bfile}/api/source"),
                         ("get", f"/{bfile}/api/source_slice?entry_hash=x"),
                         ("put", f"/{bfile}/api/add_entries"),
                         ("delete", f"/{bfile}/api/document?filename=x")):
        assert getattr(c, method)(path).status_code == 403, (method, path)
    posted = c.post(f"/{bfile}/extension/Fundtrail/disposition", data={"id": "F-1"})
    assert posted.status_code not in (401, 403)  # reaches Fava (the extension answers it)


def test_the_accountant_reaches_the_editor_and_the_source(site):
    _fava, seen, root = site
    c, bfile = client(site, "张会计", "kuaiji-123"), slug(site)
    assert c.get(f"/{bfile}/editor/").status_code == 200
    source = c.get(f"/{bfile}/api/source?filename={root / 'main.beancount'}")
    assert source.status_code == 200 and 'plugin \\"fundtrail.plugins.seal\\"' in source.get_data(as_text=True)
    assert seen["fundtrail.role"] == "accountant"
    put = c.put(f"/{bfile}/api/source", json={"file_path": str(root / "main.beancount"),
                                              "source": "", "sha256sum": "stale"})
    assert put.status_code not in (401, 403)  # Fava itself refuses the stale checksum
    assert c.get("/logout").status_code == 302
    assert c.get(f"/{bfile}/editor/").status_code == 302


def test_serve_refuses_a_public_address_without_users(demo):
    root, _ = demo
    result = CliRunner().invoke(main, ["serve", str(root / "main.beancount"), "--host", "0.0.0.0"])
    assert result.exit_code != 0 and "--users" in result.output


def test_users_add_prompts_for_the_password_and_stores_a_hash(tmp_path):
    path = tmp_path / "users.json"
    result = CliRunner().invoke(main, ["users", "add", str(path), "王审计", "--role", "auditor"],
                                input="mima-789\nmima-789\n")
    assert result.exit_code == 0, result.output
    assert "mima-789" not in path.read_text("utf-8")
    assert users.authenticate(users.load(path), "王审计", "mima-789").role == "auditor"
    assert users.authenticate(users.load(path), "王审计", "wrong") is None


def test_a_user_removed_from_the_file_loses_access_at_once(demo, tmp_path):
    root, _ = demo
    users_path = tmp_path / "users.json"
    users.add(users_path, "张会计", "accountant", "kuaiji-123")
    users.add(users_path, "王临时", "auditor", "linshi-789")
    fava = protect(create_app(str(root / "main.beancount")), users_path)
    c = fava.test_client()
    assert c.post("/login", data={"name": "王临时", "password": "linshi-789"}).status_code == 302
    assert c.get("/").status_code == 302 and not c.get("/").headers["Location"].startswith("/login")
    text = users_path.read_text("utf-8")
    users_path.write_text(text.replace('"王临时"', '"已删除的用户"'), "utf-8")
    assert c.get("/").headers["Location"].startswith("/login")
