"""Personal-data registers are read as csv.DictReader reads them, whatever the rows' shape."""

import csv

import pytest

from fundtrail.masterdata import read_register

SHAPES = {
    "plain": "身份证号,户主姓名,行政村\n370405195901132570,郝春庆,张山前村\n",
    "bom and CRLF": "\ufeff身份证号,户主姓名\r\n370405195901132570,郝春庆\r\n",
    "blank lines": "身份证号,户主姓名\n\n370405195901132570,郝春庆\n\n",
    "short row": "身份证号,户主姓名,行政村\n370405195901132570\n",
    "long row": "身份证号,户主姓名\n370405195901132570,郝春庆,多余,再多\n",
    "quoted comma": '身份证号,户主姓名\n370405195901132570,"郝,春庆"\n',
    "header only": "身份证号,户主姓名\n",
    "empty": "",
    "duplicate header": "身份证号,身份证号\n1,2\n",
}


@pytest.mark.parametrize("text", SHAPES.values(), ids=SHAPES.keys())
def test_rows_equal_dictreaders(tmp_path, text):
    path = tmp_path / "register.csv"
    path.write_text(text, "utf-8")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        expected = list(csv.DictReader(handle))
    assert read_register(str(path)) == expected
    if text.strip():
        assert expected == [] or "身份证号" in expected[0]
