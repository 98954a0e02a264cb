"""The Chinese sample (``salesmeasure sample-data --lang zh-CN``): the same draws as the
English one, with Chinese names, categories and comments.

Every random draw is the English sample's (the names are picked by the same indices
from word lists of the same lengths), so each planted truth holds value for value: a
Chinese region is its English twin under another name, and ``generator.json`` names the
regions, segments and product lines as the data do.
"""

from __future__ import annotations

import pandas as pd

from salesmeasure.format import BUILTIN_LABELS

__all__ = ["VALUES", "localise", "english"]

#: English data value -> Chinese data value, per column kind (the built-in labels).
VALUES: dict[str, dict[str, str]] = {
    kind: {k: v for k, v in names.items() if k != "Main"}
    for kind, names in BUILTIN_LABELS["zh-CN"].items()
}
#: Columns holding category values, per table.
COLUMNS = {
    "customers": {"region": "region", "segment": "segment", "channel": "channel"},
    "reps": {"region": "region"},
    "targets": {"region": "region"},
    "orders": {"product_line": "product_line"},
    "complaints": {"category": "category", "severity": "severity"},
}

#: Word lists as long as the English ones in :mod:`salesmeasure.sample.names`.
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马",
            "朱", "胡", "郭", "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐"]  # fmt: skip
GIVEN = ["安娜", "斌", "佳琳", "德伟", "丽娜", "峰", "桂英", "浩", "怡然", "军", "琪",
         "磊", "梦婷", "宁", "欧阳", "鹏", "倩", "蓉", "森", "婷", "玉梅", "伟", "文静",
         "晓东", "雅琴", "志刚"]  # fmt: skip
BRANDS = ["蓝海", "北辰", "银河", "青松", "明辉", "铁塔", "迅捷", "红星", "清源", "金盛",
          "磐石", "长青", "江河", "峰汇", "海港", "先锋"]  # fmt: skip
TRADES = ["农业", "路桥", "工业", "科技", "食品", "生物", "系统", "物流", "传媒", "健康",
          "能源", "商贸", "汽车", "纺织", "咨询"]  # fmt: skip
FORMS = ["有限公司", "股份有限公司", "集团", "有限责任公司", "实业有限公司", "控股有限公司",
         "集团有限公司", "合伙企业"]  # fmt: skip
#: A customer name a report must escape in HTML (the English sample's "O'Brien & Sons <Ltd>").
ESCAPE_NAME = "奥布赖恩父子&<贸易>有限公司"


def rep_name(first: int, last: int) -> str:
    """A rep's Chinese name from the English name's word indices (surname first)."""
    return SURNAMES[last % len(SURNAMES)] + GIVEN[first % len(GIVEN)]


def company_name(a: int, b: int, c: int) -> str:
    return BRANDS[a] + TRADES[b] + FORMS[c]


def _map(values: pd.Series, table: dict[str, str]) -> pd.Series:
    return values.map(lambda v: table.get(v, v) if isinstance(v, str) else v)


def localise(tables: dict[str, pd.DataFrame], truth: dict) -> tuple[dict, dict]:
    """The tables and truths with Chinese category values (in place of the English)."""
    for name, cols in COLUMNS.items():
        df = tables[name]
        for col, kind in cols.items():
            if col in df:
                df[col] = _map(df[col], VALUES[kind])
    reg, seg, pl = VALUES["region"], VALUES["segment"], VALUES["product_line"]

    def keys(d: dict, table: dict) -> dict:
        return {table.get(k, k): v for k, v in d.items()}

    truth = dict(truth)
    truth["regions"] = [reg[r] for r in truth["regions"]]
    for key in ("region_share", "region_growth", "driver_weights", "item_means"):
        truth[key] = keys(truth[key], reg)
    truth["segments"] = [seg[s] for s in truth["segments"]]
    truth["segment_spend"] = keys(truth["segment_spend"], seg)
    truth["channels"] = [VALUES["channel"][c] for c in truth["channels"]]
    truth["product_lines"] = [pl[p] for p in truth["product_lines"]]
    for key in ("list_price_2023", "price_increase_per_year"):
        truth[key] = keys(truth[key], pl)
    if truth.get("hard_book_rep"):
        truth["hard_book_rep"] = {**truth["hard_book_rep"]}
        truth["hard_book_rep"]["region"] = reg[truth["hard_book_rep"]["region"]]
    if truth.get("change_point"):
        cp = truth["change_point"] = {**truth["change_point"]}
        cp["region"], cp["category"] = reg[cp["region"]], VALUES["category"][cp["category"]]
    truth["values_language"] = "zh-CN"
    return tables, truth


def english(value, kind: str):
    """The English sample's value of a Chinese one (tests compare the two samples)."""
    back = {v: k for k, v in VALUES[kind].items()}
    return back.get(value, value)
