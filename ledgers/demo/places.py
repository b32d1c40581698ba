"""The fictional 青禾区: six towns/subdistricts, 46 villages, its people and its firms."""

from __future__ import annotations

import datetime
import random

ADMDIV = "370405"
COUNTY = "青禾区"
BUREAU = "青禾区财政局"
PHONE = "0632-12317"
AGENCY = ("405012", "青禾区乡村振兴局")

# (code, name, number of villages): 8+8+8+8+7+7 = 46
TOWNS = [
    ("370405001", "运河街道", 8),
    ("370405101", "张山镇", 8),
    ("370405102", "泥河镇", 8),
    ("370405103", "马兰镇", 8),
    ("370405104", "涧东镇", 7),
    ("370405105", "邳北镇", 7),
]
_POSITIONS = "前后东西南北中新"


def villages():
    """[(village code, village name, town code, town name)] for all 46 villages."""
    result = []
    for town_code, town_name, count in TOWNS:
        stem = town_name[:2]
        for i in range(count):
            result.append((f"{town_code}{201 + i}", f"{stem}{_POSITIONS[i]}村", town_code, town_name))
    return result


SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏飞建国志文海波兵春生荣新振德胜金花凤云林永宝庆"

CONTRACTORS = ["青禾建工有限公司", "鲁南路桥工程有限公司", "青禾水务工程有限公司",
               "运河建设集团有限公司", "泥河建筑安装有限公司"]
INDUSTRY_FIRMS = {
    "来料加工": ["青禾制衣有限公司", "鲁南箱包加工厂"],
    "特色农业": ["禾丰农业专业合作社", "马兰果蔬种植专业合作社"],
    "乡村旅游": ["青禾文旅开发有限公司", "涧东乡村旅游合作社"],
    "农村电商": ["富康电子商务有限公司", "邳北电商服务有限公司"],
}


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _check_digit(body: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def id_number(rng: random.Random, born: datetime.date, region: str = ADMDIV) -> str:
    """A valid-looking 18-digit resident ID (GB 11643 check digit) for a fictional person
    registered in `region` (a six-digit county code)."""
    body = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + _check_digit(body)


def card_number(rng: random.Random) -> str:
    return "6231" + "".join(str(rng.randrange(10)) for _ in range(15))


def phone_number(rng: random.Random) -> str:
    return rng.choice(("133", "153", "157", "181", "189", "191")) + "".join(
        str(rng.randrange(10)) for _ in range(8))


def corporate_account(rng: random.Random) -> str:
    return "3701" + "".join(str(rng.randrange(10)) for _ in range(14))
