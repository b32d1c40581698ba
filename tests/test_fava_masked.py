"""A role that is not internal, and `?public=1`, read Fava from masked entries
(fundtrail.web.masked): no query (concatenating or cutting fields), filter, page, API answer or
download gives back a clear ID or card number of the demo's master data, and the masked view is
read-only."""

import json
import re
import shutil
from urllib.parse import quote

import pytest
from test_serve_guard import commits, login, slug

from fundtrail import history
from fundtrail.web import users
from fundtrail.web.serve import create_app, secure

PLANTED_ID = "370405199303107437"  # 林生新, households.csv
PLANTED_CARD = "6231363551048427020"


@pytest.fixture(scope="module")
def workspace(demo, tmp_path_factory):
    """The demo under git, only accountants internal, with a note, an event and a document
    that carry an ID and a card number in their text."""
    root = tmp_path_factory.mktemp("masked") / "ws"
    shutil.copytree(demo[0], root, ignore=shutil.ignore_patterns("*.picklecache"))
    main = root / "main.beancount"
    main.write_text(main.read_text("utf-8").replace(
        'custom "fava-extension" "fundtrail.fava_ext"',
        'custom "fava-extension" "fundtrail.fava_ext" "{\'internal_roles\': [\'accountant\']}"'), "utf-8")
    account = re.search(r"open (Assets:Bank:\S+)", (root / "accounts.beancount").read_text("utf-8")).group(1)
    scan = root / "documents" / f"{PLANTED_ID}.pdf"
    scan.write_bytes(b"%PDF-1.4\n")
    with (root / "transactions/manual.beancount").open("a", encoding="utf-8") as manual:
        manual.write(f'\n2024-12-30 note {account} "核对林生新 身份证{PLANTED_ID} 卡号{PLANTED_CARD}"\n'
                     f'2024-12-30 event "家访" "林生新 {PLANTED_ID}"\n'
                     f'2024-12-30 document {account} "../documents/{PLANTED_ID}.pdf"\n')
    history.init(root, "新建 init")
    users_path = root.parent / "users.json"
    users.add(users_path, "张会计", "accountant", "kuaiji-123")
    users.add(users_path, "李审计", "auditor", "shenji-456")
    return root, users_path, account


@pytest.fixture(scope="module")
def site(workspace):
    root, users_path, _ = workspace
    return secure(create_app(str(root / "main.beancount")), root / "main.beancount", users_path)


def master_numbers(root) -> set[str]:
    """Every ID number (18 characters) and card number (16-19 digits) of the master data."""
    text = "".join(p.read_text("utf-8") for p in (root / "registers").glob("*.csv"))
    return set(re.findall(r"(?<![0-9])(?:\d{17}[\dX]|\d{16,19})(?![0-9])", text))


QUERIES = {
    "joined": "SELECT subst('$', str(meta('card')), str(meta('id_no'))) AS x WHERE meta('id_no') IS NOT NULL",
    "cut": "SELECT substr(str(meta('id_no')), 0, 9) AS a, substr(str(meta('id_no')), 9, 18) AS b, "
           "substr(str(meta('card')), 0, 10) AS c, substr(str(meta('card')), 10, 19) AS d "
           "WHERE meta('id_no') IS NOT NULL",
    "glued": "SELECT str(meta('id_no')) + '-' + str(meta('card')) AS x WHERE meta('id_no') IS NOT NULL",
}


def rows_joined(body: str) -> str:
    """The cells of each row of a query answer glued together (a cut number whole again)."""
    rows = json.loads(body)["data"]["rows"]
    return "\n".join("".join(str(cell) for cell in row).replace("-", "") for row in rows)


def views(c, bfile, account, public: str) -> dict[str, str]:
    """Every Fava page and API answer a reader can ask for, by name."""
    out = {}

    def get(name, path):
        sep = "&" if "?" in path else "?"
        response = c.get(f"/{bfile}/{path}" + (f"{sep}public=1" if public else ""))
        assert response.status_code == 200, (name, response.status_code)
        out[name] = response.get_data(as_text=True)
        return out[name]

    for name, query in QUERIES.items():
        body = get(f"query {name}", f"api/query?query_string={quote(query)}")
        out[f"query {name} rows"] = rows_joined(body)
        get(f"csv {name}", f"download-query/query_result.csv?query_string={quote(query)}")
    first = json.loads(get("journal page 1", "api/journal_page?page=1&order=asc"))["data"]
    for page in range(2, first["total_pages"] + 1):
        get(f"journal page {page}", f"api/journal_page?page={page}&order=asc")
    hashes = set()
    for name in [n for n in out if n.startswith("journal page")]:
        html = json.loads(out[name])["data"]["journal"]
        for item in re.findall(r"<li class='transaction.*?</li>\s*</ul>", html, re.S):
            if "id_no" in item:
                hashes.add(re.search(r"#context-([0-9a-f]+)", item).group(1))
    assert len(hashes) > 100
    for entry_hash in sorted(hashes)[:40]:
        get(f"context {entry_hash}", f"api/context?entry_hash={entry_hash}")
    for name, path in {
        "journal": "journal/", "journal api": "api/journal", "journal download": "download-journal/",
        "account page": f"account/{account}/", "account report": f"api/account_report?a={account}",
        "clearing account": "api/account_report?a=Assets:Clearing:YKT",
        "events": "api/events", "events page": "events/", "documents": "api/documents",
        "documents page": "documents/", "errors": "api/errors", "errors page": "errors/",
        "ledger data": "api/ledger_data", "narrations": "api/narrations",
        "payee": f"api/payee_transaction?payee={quote('林生新')}",
        "income statement": "api/income_statement", "balance sheet": "api/balance_sheet",
        "trial balance": "api/trial_balance", "statistics": "api/statistics",
        "overview": "extension/Fundtrail/", "projects": "extension/FundtrailProjects/",
        "villages": "extension/FundtrailVillages/?village=370405001203",
        "assets": "extension/FundtrailAssets/", "findings": "extension/FundtrailFindings/",
        "households": "extension/FundtrailHouseholds/?household=HH00049",
    }.items():
        get(name, path)
    return out


@pytest.mark.parametrize("who", ["auditor", "accountant ?public=1"])
def test_no_query_page_or_api_answer_gives_a_clear_personal_number(site, workspace, who):
    root, _, account = workspace
    numbers = master_numbers(root)
    assert PLANTED_ID in numbers and PLANTED_CARD in numbers and len(numbers) > 600
    if who == "auditor":
        c, _ = login(site, "李审计", "shenji-456")
    else:
        c, _ = login(site, "张会计", "kuaiji-123")
    bfile = slug(c)
    clear = {name: text for name, text in views(login(site, "张会计", "kuaiji-123")[0], bfile, account,
                                                public="").items()}
    assert len({n for n in numbers if n in clear["query joined rows"]}) > 200  # the query works
    assert len({n for n in numbers if n in clear["query cut rows"]}) > 200
    assert PLANTED_ID in clear["events"] and PLANTED_ID in clear["journal page 1"] + clear.get(
        "journal page 2", "") + clear.get("journal page 3", "") or PLANTED_ID in clear["journal api"]
    shown = views(c, bfile, account, public="1" if who != "auditor" else "")
    leaks = {name: sorted(n for n in numbers if n in text)[:3] for name, text in shown.items()}
    assert not {name: found for name, found in leaks.items() if found}
    assert re.search(r"370405\*{12}", shown["query joined rows"])  # masked, not dropped
    assert re.search(r"370405\*{12}", shown["events"])
    named = {p["account"] for e in json.loads(shown["journal api"])["data"] for p in e.get("postings", ())}
    assert account in named or "Assets:Clearing:YKT" in named  # account names as they are
    download = shown["journal download"]  # beancount text, as Fava's own download: not HTML-escaped
    assert re.search(r'^\d{4}-\d\d-\d\d \* "', download, re.M) and "&#34;" not in download


def test_no_filter_or_condition_finds_a_clear_number(site, workspace):
    """A masked view answers no yes/no question about a clear number (an oracle that would give
    the digits one by one)."""
    root, _, _ = workspace
    auditor, _ = login(site, "李审计", "shenji-456")
    accountant, _ = login(site, "张会计", "kuaiji-123")
    bfile = slug(auditor)
    query = quote(f"SELECT count(*) AS n WHERE str(meta('id_no')) ~ '^{PLANTED_ID[:12]}'")
    count = {who: json.loads(c.get(f"/{bfile}/api/query?query_string={query}").get_data(as_text=True))
             ["data"]["rows"] for who, c in (("inside", accountant), ("outside", auditor))}
    assert count["inside"] and count["inside"][0][0] >= 1
    assert not count["outside"] or count["outside"][0][0] == 0
    for condition in (f'"{PLANTED_ID[:12]}"', 'any(id_no:"^3704051962")'):  # a note; postings
        journal = f"/{bfile}/api/journal?filter={quote(condition)}"
        assert json.loads(accountant.get(journal).get_data(as_text=True))["data"], condition
        assert json.loads(auditor.get(journal).get_data(as_text=True))["data"] == [], condition


def test_the_masked_view_is_read_only(site, workspace):
    root, _, account = workspace
    accountant, _ = login(site, "张会计", "kuaiji-123")
    bfile = slug(accountant)
    before = (root / "transactions/manual.beancount").read_bytes(), len(commits(root))
    note = {"t": "Note", "date": "2024-12-31", "meta": {}, "account": account, "comment": "公示预览中写入"}
    response = accountant.put(f"/{bfile}/api/add_entries?public=1", json={"entries": [note]},
                              headers={"Origin": "http://localhost"})
    assert response.status_code == 403 and "只读" in response.get_data(as_text=True)
    for path in ("editor/", "api/source", f"api/source?filename={quote(str(root / 'main.beancount'))}"):
        response = accountant.get(f"/{bfile}/{path}{'&' if '?' in path else '?'}public=1")
        assert response.status_code == 403, path
    assert ((root / "transactions/manual.beancount").read_bytes(), len(commits(root))) == before
    assert accountant.get(f"/{bfile}/editor/").status_code == 200  # the accountant's own view


def test_favas_pages_fetch_their_data_masked_while_public_1_is_open(site, workspace):
    """Fava's query page, opened with ?public=1, fetches its rows from /api/query without the
    argument (its Referer is the page): the rows are masked; a Referer never unmasks."""
    root, _, _ = workspace
    numbers = master_numbers(root)
    accountant, _ = login(site, "张会计", "kuaiji-123")
    bfile = slug(accountant)
    query = quote(QUERIES["joined"])
    api = f"/{bfile}/api/query?query_string={query}"
    page = f"http://localhost/{bfile}/query/?query_string={query}"
    preview = rows_joined(accountant.get(api, headers={"Referer": page + "&public=1"}).get_data(as_text=True))
    assert re.search(r"370405\*{12}", preview) and not [n for n in numbers if n in preview]
    own = rows_joined(accountant.get(api, headers={"Referer": page}).get_data(as_text=True))
    assert len([n for n in numbers if n in own]) > 200
    auditor, _ = login(site, "李审计", "shenji-456")
    outside = auditor.get(api, headers={"Referer": page + "&public="}).get_data(as_text=True)
    assert not [n for n in numbers if n in rows_joined(outside)]


def test_a_refused_source_read_says_why_in_chinese_as_favas_pages_read_it(site, workspace):
    """The entry popup reads the entry's source through Fava's API: refused to the masked view
    and to a role without the source, with a Chinese `error` (the JSON Fava's frontend shows),
    never a bare 403; the editor page's refusal is the same text."""
    from chinese_only import english

    accountant, _ = login(site, "张会计", "kuaiji-123")
    auditor, _ = login(site, "李审计", "shenji-456")
    bfile = slug(accountant)
    masked = accountant.get(f"/{bfile}/api/source_slice?entry_hash=x&public=1")
    assert masked.status_code == 403 and masked.get_json() == {
        "error": "脱敏视图不显示账簿源文件（其中有未脱敏的个人信息）；分录的内容可在日记账中查看"}
    refused = auditor.get(f"/{bfile}/api/source_slice?entry_hash=x")
    assert refused.status_code == 403 and refused.get_json() == {
        "error": "当前角色（审计）不能查看账簿源文件；分录的内容可在日记账中查看"}
    page = auditor.get(f"/{bfile}/editor/")
    assert page.status_code == 403 and page.get_data(as_text=True) == refused.get_json()["error"]
    written = accountant.put(f"/{bfile}/api/source_slice?public=1", json={}, headers={"Origin": "http://localhost"})
    assert written.status_code == 403 and written.get_json() == {"error": "脱敏视图只读，不能修改账簿"}
    assert english(masked.get_json()["error"] + refused.get_json()["error"]) == []
