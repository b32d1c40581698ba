import json
import re

from fundtrail.web.serve import create_app


def _json_blocks(html: str) -> dict:
    return {m.group(1): json.loads(m.group(2)) for m in re.finditer(
        r'<script type="application/json" id="([^"]+)">(.*?)</script>', html, re.S)}


def test_fava_index_is_chinese(demo):
    root, _ = demo
    client = create_app(str(root / "main.beancount")).test_client()
    response = client.get("/", follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    blocks = _json_blocks(html)
    assert blocks["ledger-data"]["fava_options"]["language"] == "zh"
    catalogue = json.dumps(blocks["translations"], ensure_ascii=False)
    assert "损益表" in catalogue and "资产负债表" in catalogue
    assert "青禾区" in html
    errors = blocks["ledger-data"]["errors"]
    assert errors == []  # the planted anomalies are findings (the findings desk), not ledger errors
