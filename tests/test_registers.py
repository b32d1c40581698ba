"""Personal-data registers are read as csv.DictReader (csv.reader) reads them, whatever the
rows' shape and the text's line ends, quotes and odd characters."""

import csv
import io
import random

import pytest

from fundtrail.masterdata import read_register
from fundtrail.registers import HouseholdRegister, read_table, unguarded

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


def _csv_table(text: str):
    """What read_table gives, read by csv.reader alone (or the csv.Error it raises)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return [], []
        rows = [row for row in reader if row]
    except csv.Error as error:
        return type(error)
    if "'" in text:
        header, rows = unguarded(header), [unguarded(row) for row in rows]
    return header, rows


def _read_table(tmp_path, text: str):
    path = tmp_path / "register.csv"
    path.write_bytes(text.encode("utf-8"))
    try:
        return read_table(str(path))
    except csv.Error as error:
        return type(error)


AWKWARD = {
    "CRLF": "身份证号,户主姓名\r\n1,郝春庆\r\n2,张三\r\n",
    "lone CR": "身份证号,户主姓名\r1,郝春庆\r2,张三",
    "CR CR LF": "身份证号\r\r\n1\r\r\r\n\r2\n",
    "leading blank line": "\n身份证号,户主姓名\n1,郝春庆\n",
    "only line ends": "\r\n\n\r",
    "no final line end": "身份证号,户主姓名\n1,郝春庆",
    "trailing commas": "身份证号,户主姓名,\n1,,\n,\n",
    "spaces and tabs": " 身份证号 ,\t户主姓名\n 1 , 郝春庆\t\n \n",
    "splitlines' breaks are text": "身份证号,户主姓名\n1,郝\x0b春\x0c庆\x1c\x1d\x1e\x85\u2028\u2029\n",
    "NUL": "身份证号,户主姓名\n1,郝\x00春庆\n",
    "quote mid-field": '身份证号,户主姓名\n1,郝"春"庆\n',
    "quoted line end": '身份证号,户主姓名\n1,"郝\r\n春庆"\n',
    "guarded formula": "身份证号,户主姓名\n1,'=HYPERLINK(\"x\")\n2,'=1+1\n",
}


@pytest.mark.parametrize("text", AWKWARD.values(), ids=AWKWARD.keys())
def test_table_equals_csv_reader(tmp_path, text):
    assert _read_table(tmp_path, text) == _csv_table(text)


def test_table_field_size_limit(tmp_path):
    """A field over csv's limit is csv's error, a field at it is read, with or without quotes."""
    limit = csv.field_size_limit(8)
    try:
        for text in ("身份证号\n12345678\n", "身份证号\n123456789\n", "a,b\n1,12345678,x\n",
                     'a\n"123456789"\n', "a\n1234567,8\n12345678901\n"):
            assert _read_table(tmp_path, text) == _csv_table(text), text
        assert _read_table(tmp_path, "身份证号\n123456789\n") is csv.Error
    finally:
        csv.field_size_limit(limit)


def test_table_equals_csv_reader_fuzzed(tmp_path):
    """Random texts of commas, every kind of line end, spaces, the characters str.splitlines
    breaks at, quotes, NULs and guards read as csv.reader reads them."""
    pieces = [",", ",", "\n", "\r", "\r\n", "a", "郝春庆", "1", " ", "\t", "\x0b", "\x85",
              "\u2028", "\x1c", '"', "\x00", "'", "'=1", ""]
    rng = random.Random(20240501)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 40)))
        if rng.random() < 0.7:  # most texts without a quote or a NUL: the split path
            text = text.replace('"', "").replace("\x00", "")
        assert _read_table(tmp_path, text) == _csv_table(text), repr(text)


@pytest.mark.parametrize("data, problem", [
    ("身份证号,户主姓名\n1,郝春庆\n".encode("gbk"), "不是 UTF-8 编码"),
    ("身份证号\n1\n".encode() + b"\xe4\xb8", "不是 UTF-8 编码"),  # cut inside a character
    ("户主姓名\n郝春庆\n".encode(), "缺少“身份证号”列"),
], ids=["gbk", "cut character", "no id column"])
def test_unusable_register_is_named(tmp_path, data, problem):
    path = tmp_path / "households.csv"
    path.write_bytes(data)
    register = HouseholdRegister.read(str(path))
    assert not register.households and problem in register.problem
    assert "households.csv" in register.problem and str(tmp_path) not in register.problem


def test_bom_and_crlf_register_is_read(tmp_path):
    path = tmp_path / "households.csv"
    path.write_bytes("\ufeff身份证号,户主姓名,行政村\r\n370405195901132570, 郝春庆 ,张山前村\r\n".encode("utf-8"))
    register = HouseholdRegister.read(str(path))
    assert not register.problem
    assert [(h.id_no, h.name, h.village) for h in register.households.values()] == \
        [("370405195901132570", "郝春庆", "张山前村")]
