"""The word lists the comment analysis ships with: seed themes for the survey's areas,
a small bilingual sentiment lexicon (with negators and intensifiers) and stopwords.

Everything here is plain data in the project, so nothing is downloaded at run time.
Theme terms are matched on whole English words (or word sequences: ``"customer
service"``) and on Chinese substrings of two or more characters; a user adds terms or
whole themes in ``salesmeasure.toml``::

    [comments.themes]
    delivery = ["late", "courier", "物流"]       # extends the seed theme
    website = ["website", "login", "网站"]        # a new theme

The sentiment lexicon follows the design of VADER (a valence per word, a negator flips
the next words, an intensifier scales them, the sum normalised to -1..1) with Chinese
entries in the spirit of the HowNet/NTUSD sentiment lists; it is deliberately small and
covers the vocabulary of customer feedback on products, service and delivery.

References
----------
Hutto, C. J., & Gilbert, E. (2014). VADER: A parsimonious rule-based model for sentiment
analysis of social media text. Proceedings of ICWSM 8(1), 216-225.
Ku, L.-W., & Chen, H.-H. (2007). Mining opinions from the Web: beyond relevance
retrieval. JASIST 58(12), 1838-1850 (NTUSD).
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = [
    "SEED_THEMES",
    "POSITIVE",
    "NEGATIVE",
    "NEGATORS",
    "INTENSIFIERS",
    "STOPWORDS",
]

# fmt: off
#: The survey's areas and the words that name them, English and Chinese.
SEED_THEMES: MappingProxyType = MappingProxyType(
    {
        "product_quality": (
            "quality", "product", "products", "defect", "defects", "defective", "broke",
            "broken", "durable", "durability", "material", "materials", "workmanship",
            "build quality", "faulty", "reliable", "reliability",
            "质量", "产品", "做工", "材质", "耐用", "故障", "坏了", "次品", "瑕疵", "品质",
        ),
        "service_level": (
            "service", "staff", "rep", "representative", "sales rep", "salesperson",
            "friendly", "rude", "polite", "helpful", "attitude", "responsive", "account manager",
            "服务", "态度", "销售", "业务员", "热情", "礼貌", "专业", "客户经理",
        ),
        "after_sales": (
            "support", "after sales", "after-sales", "warranty", "repair", "repairs",
            "return", "returns", "refund", "hotline", "technician", "helpdesk", "reach support",
            "售后", "保修", "维修", "退货", "退款", "客服", "换货", "技术支持",
        ),
        "delivery": (
            "delivery", "deliveries", "delivered", "shipping", "shipment", "shipped",
            "courier", "arrived", "late", "delay", "delayed", "on time", "packaging",
            "物流", "快递", "送货", "发货", "配送", "到货", "包装", "延迟", "准时",
        ),
        "price": (
            "price", "prices", "pricing", "expensive", "cheap", "cost", "costs", "value for money",
            "overpriced", "discount", "discounts", "affordable",
            "价格", "太贵", "便宜", "性价比", "优惠", "折扣", "价钱", "涨价",
        ),
        "billing": (
            "invoice", "invoices", "billing", "bill", "bills", "billed", "charged", "payment",
            "payments", "overcharged", "credit note",
            "发票", "账单", "付款", "扣款", "收费", "对账", "开票",
        ),
    }
)

# Valences on VADER's scale (about -4..4); phrases count once, before their words.
POSITIVE: MappingProxyType = MappingProxyType(
    {
        **dict.fromkeys(
            ["good", "nice", "fine", "ok", "okay", "helpful", "friendly", "polite", "easy",
             "fast", "quick", "quickly", "reliable", "durable", "affordable", "cheap", "smooth",
             "responsive", "recommend", "thanks", "thank", "satisfied", "happy", "glad", "solid",
             "professional", "on time", "value for money", "works", "worked", "prompt",
             "well", "clear", "simple", "pleased", "convenient"],
            2.0,
        ),
        **dict.fromkeys(
            ["great", "excellent", "perfect", "amazing", "love", "loved", "fantastic",
             "outstanding", "superb", "wonderful", "best", "awesome", "brilliant"],
            3.0,
        ),
        **dict.fromkeys(
            ["好", "不错", "满意", "很好", "挺好", "及时", "准时", "方便", "快", "很快", "专业",
             "热情", "耐心", "礼貌", "实惠", "便宜", "耐用", "完好", "精细", "清楚", "顺利",
             "推荐", "谢谢", "感谢", "放心", "靠谱", "稳定", "好用", "流畅", "可以", "还行",
             "划算", "高效", "周到"],
            2.0,
        ),
        **dict.fromkeys(["非常满意", "完美", "优秀", "出色", "超值", "非常好", "棒", "赞", "喜欢"], 3.0),
        **dict.fromkeys(["👍", "😀", "😃", "😊", "🙂", "❤", "❤️", "👏", "🎉", "😍", "✨", "💯"], 2.0),
    }
)

NEGATIVE: MappingProxyType = MappingProxyType(
    {
        **dict.fromkeys(
            ["bad", "poor", "slow", "late", "delayed", "delay", "expensive", "overpriced",
             "rude", "unhelpful", "hard", "difficult", "wrong", "error", "errors", "mistake",
             "mistakes", "problem", "problems", "issue", "issues", "complaint", "broke",
             "broken", "faulty", "defective", "damaged", "missing", "confusing", "disappointed",
             "disappointing", "unhappy", "annoying", "frustrating", "frustrated", "fails",
             "failed", "failing", "crash", "crashes", "crashed", "lost", "never", "overcharged",
             "unreliable", "waiting", "waited", "ignored", "unreachable", "worse", "cancel"],
            -2.0,
        ),
        **dict.fromkeys(
            ["terrible", "awful", "horrible", "worst", "useless", "hate", "scam",
             "unacceptable", "disgusting", "ridiculous", "nightmare"],
            -3.0,
        ),
        **dict.fromkeys(
            ["差", "很差", "太差", "慢", "太慢", "很慢", "贵", "太贵", "不好", "失望", "错误",
             "开错", "问题", "投诉", "坏了", "故障", "延迟", "推迟", "麻烦", "卡", "很卡", "失败",
             "没人", "不回复", "敷衍", "破损", "丢失", "瑕疵", "次品", "难用", "不满", "不满意",
             "生气", "糟糕", "退货", "拖延", "乱收费", "重复扣款", "等了", "联系不上", "不准时"],
            -2.0,
        ),
        **dict.fromkeys(["垃圾", "太烂", "恶劣", "极差", "骗", "坑"], -3.0),
        **dict.fromkeys(["👎", "😡", "😠", "😞", "😢", "😤", "💩", "🙁", "😭"], -2.0),
    }
)

#: Words that flip the valence of the sentiment word(s) right after them.
NEGATORS: frozenset[str] = frozenset(
    ["not", "no", "never", "isn't", "wasn't", "don't", "doesn't", "didn't", "can't",
     "cannot", "won't", "hardly", "without", "nothing",
     "不", "没", "没有", "不太", "不是", "并不", "别", "未", "不够", "毫无"]
)

#: Words that scale the next sentiment word (VADER's booster increment, as a factor).
INTENSIFIERS: MappingProxyType = MappingProxyType(
    {
        **dict.fromkeys(["very", "really", "extremely", "so", "too", "totally", "super",
                         "incredibly", "absolutely"], 1.3),
        **dict.fromkeys(["很", "非常", "太", "特别", "十分", "超级", "极其", "真", "真的"], 1.3),
        **dict.fromkeys(["slightly", "somewhat", "bit", "有点", "稍微", "有些"], 0.7),
    }
)

#: Function words left out of the data-driven themes (scikit-learn's English list is
#: added to these in :mod:`~salesmeasure.survey.comments.segment`).
STOPWORDS: frozenset[str] = frozenset(
    ["的", "了", "是", "在", "我", "我们", "你", "你们", "他", "她", "它", "也", "都", "就",
     "还", "和", "与", "及", "或", "而", "但", "但是", "又", "再", "这", "那", "这个", "那个",
     "一个", "有", "被", "把", "让", "给", "对", "从", "到", "说", "会", "能", "要", "吧", "吗",
     "呢", "啊", "呀", "哦", "嗯", "着", "过", "得", "地", "之", "其", "为", "以", "等", "一直",
     "总是", "每次", "已经", "因为", "所以", "如果", "一下", "一些", "什么", "怎么", "这样",
     "时候", "觉得", "感觉", "比较", "希望", "公司", "贵司", "意见", "建议", "行",
     "ok", "okay", "thanks", "thank", "pls", "please", "just", "also", "got", "get", "us",
     "would", "could", "one", "two", "week", "weeks", "day", "days", "time", "times",
     "again", "still", "really", "lot", "bit", "make", "made", "comment", "comments",
     "nothing", "add"]
)
# fmt: on
