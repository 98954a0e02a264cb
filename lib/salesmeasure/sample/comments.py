"""Survey comments with planted themes and sentiment, in English or Chinese.

Drawn from a generator of their own (seeded from the data set's seed), so adding or
changing comments leaves every other column's draws, and every other planted truth,
exactly as it was.

Per response with satisfaction ``z`` (the standardised response-level satisfaction the
NPS is cut from): a comment is left empty with probability :data:`NO_COMMENT`; otherwise
each theme is mentioned with probability ``sigmoid(a + b * z)`` (:data:`THEME_EFFECTS`),
each mention is worded positively with probability ``sigmoid(SENTIMENT_SLOPE * z)``, and
a comment that mentions no theme gets a short generic remark. ``delivery`` is the planted
driver: mentioned mostly by unhappy customers (the steepest slope). ``online_ordering``
is not in the seed lexicon: the data-driven themes should find it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["NO_COMMENT", "THEME_EFFECTS", "SENTIMENT_SLOPE", "PLANTED_DRIVER", "comments"]

#: Share of responses without a comment.
NO_COMMENT = 0.3
#: Theme: (intercept a, slope b on satisfaction z) of the logit of being mentioned.
THEME_EFFECTS: dict[str, tuple[float, float]] = {
    "product_quality": (-1.7, 0.3),
    "service_level": (-1.9, 0.2),
    "after_sales": (-2.2, -0.5),
    "delivery": (-1.6, -1.6),
    "price": (-2.0, -0.3),
    "billing": (-2.6, -0.4),
    "online_ordering": (-2.3, 0.0),
}
#: Slope of the logit of a positive wording on satisfaction z.
SENTIMENT_SLOPE = 2.5
#: The theme whose mention moves NPS most.
PLANTED_DRIVER = "delivery"

_EN = {
    "product_quality": (
        [
            "The product quality is excellent",
            "Great product, very durable",
            "Reliable product, good quality",
        ],
        [
            "The product broke after a week",
            "Poor quality, the product is faulty",
            "Defective product again",
        ],
    ),
    "service_level": (
        [
            "Our sales rep is very helpful",
            "Friendly and professional service",
            "Great service from the staff",
        ],
        ["The sales rep was rude", "Service staff are not helpful", "Poor service this time"],
    ),
    "after_sales": (
        [
            "Support fixed the problem quickly",
            "Warranty repair was easy",
            "Good after-sales support",
        ],
        [
            "Hard to reach support",
            "The warranty repair took forever and failed",
            "Refund still missing, support ignored us",
        ],
    ),
    "delivery": (
        ["Fast delivery", "Delivered on time", "The courier was quick"],
        [
            "Delivery was late again",
            "Shipping is slow and delayed",
            "The courier lost the shipment",
        ],
    ),
    "price": (
        ["Good value for money", "Fair price, affordable", "Nice discount this quarter"],
        [
            "Too expensive for what it is",
            "Prices went up again, overpriced",
            "The price is too high",
        ],
    ),
    "billing": (
        ["The invoice was clear", "Billing is simple and clear", "Payment was smooth"],
        ["Invoice errors again", "We were overcharged on the bill", "Wrong invoice amount"],
    ),
    "online_ordering": (
        [
            "The website portal makes ordering online easy",
            "Ordering on the website portal is simple",
        ],
        [
            "The website portal login keeps failing",
            "Website portal login down, ordering online impossible",
        ],
    ),
}
_ZH = {
    "product_quality": (
        ["产品质量很好", "做工精细，很耐用", "产品品质稳定"],
        ["产品用了一周就坏了", "质量太差，有瑕疵", "又收到次品"],
    ),
    "service_level": (
        ["销售很专业，态度热情", "服务很周到", "业务员很有礼貌"],
        ["销售态度很差", "服务不专业", "业务员态度敷衍"],
    ),
    "after_sales": (
        ["售后很快解决了问题", "保修维修很顺利", "客服很耐心"],
        ["客服联系不上", "维修拖延很久还没修好", "退款一直没到，客服不回复"],
    ),
    "delivery": (
        ["物流很快", "送货准时", "快递很及时"],
        ["物流太慢了", "发货延迟，到货太晚", "快递丢失了货物"],
    ),
    "price": (
        ["性价比很高", "价格实惠", "优惠力度不错"],
        ["价格太贵了", "又涨价了，太贵", "价钱偏高，不划算"],
    ),
    "billing": (
        ["发票开得很清楚", "对账很方便", "付款流程顺利"],
        ["发票开错了", "账单重复扣款", "收费有错误"],
    ),
    "online_ordering": (
        ["网上商城网站下单很方便", "网上商城网站下单简单"],
        ["网上商城网站登录总是失败", "网上商城网站打不开，无法下单"],
    ),
}
_GENERIC = {
    "en": (
        ["All good", "Nothing to add", "Fine"],
        ["Not happy", "Disappointed", "Could be better"],
    ),
    "zh-CN": (["都挺好", "还行", "没有意见"], ["不满意", "很失望", "有待改进"]),
}
_JOIN = {"en": ". ", "zh-CN": "，"}


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def comments(
    sat_z: np.ndarray, seed: int, *, lang: str = "en"
) -> tuple[np.ndarray, dict, np.ndarray]:
    """Comments for responses with satisfaction ``sat_z``, and their planted truths.

    Returns ``(texts, truth, mentions)``: ``truth`` holds the language, the theme effects, the
    expected share of each theme among the comments (the mean mention probability),
    the realised mentions, the sentiment slope and the planted driver. In ``zh-CN`` one
    comment in twenty gets an English remark (mixed text, as real exports have).
    ``mentions`` is the (n, themes) boolean matrix of what each comment mentions, in the
    order of :data:`THEME_EFFECTS`.
    """
    if lang not in _JOIN:
        raise ValueError(f"comment language must be 'en' or 'zh-CN', got {lang!r}")
    bank = _EN if lang == "en" else _ZH
    rng = np.random.default_rng([int(seed), 21])
    z = np.asarray(sat_z, float)
    n = z.size
    has = rng.random(n) >= NO_COMMENT
    names = list(THEME_EFFECTS)
    probs = np.column_stack([_sigmoid(a + b * z) for a, b in THEME_EFFECTS.values()])
    mention = rng.random((n, len(names))) < probs
    positive = rng.random((n, len(names))) < _sigmoid(SENTIMENT_SLOPE * z)[:, None]
    pick = rng.integers(0, 1 << 30, size=(n, len(names) + 2))
    order = np.argsort(rng.random((n, len(names))), axis=1)
    mixed = (rng.random(n) < 0.05) & (lang != "en")
    texts = np.empty(n, dtype=object)
    for i in range(n):
        if not has[i]:
            texts[i] = ""
            continue
        parts = []
        for j in order[i]:
            if mention[i, j]:
                pos, neg = bank[names[j]]
                options = pos if positive[i, j] else neg
                parts.append(options[pick[i, j] % len(options)])
        if not parts:
            good, bad = _GENERIC[lang]
            options = good if z[i] > 0 else bad
            parts.append(options[pick[i, -2] % len(options)])
        if mixed[i]:
            parts.append(["Thanks", "Please improve"][pick[i, -1] % 2])
        texts[i] = _JOIN[lang].join(parts)
    texts[~has] = ""
    mention &= has[:, None]
    truth = {
        "language": lang,
        "no_comment_rate": NO_COMMENT,
        "theme_effects": {k: {"intercept": a, "slope": b} for k, (a, b) in THEME_EFFECTS.items()},
        "expected_share": {
            k: float(probs[has, j].mean()) if has.any() else 0.0 for j, k in enumerate(names)
        },
        "mentions": {k: int(mention[:, j].sum()) for j, k in enumerate(names)},
        "comments": int(has.sum()),
        "sentiment_slope": SENTIMENT_SLOPE,
        "planted_driver": PLANTED_DRIVER,
        "not_in_lexicon": ["online_ordering"],
    }
    return texts, truth, mention
