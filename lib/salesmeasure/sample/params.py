"""The planted truths of the synthetic data: every parameter the generator draws from.

Tests read these (and ``generator.json``) to check that each analysis recovers them.
"""

from __future__ import annotations

import pandas as pd

START = pd.Timestamp("2023-01-01")
AS_OF = pd.Timestamp("2026-11-15")

REGIONS = ["North", "South", "East", "West", "Central"]
REGION_SHARE = {"North": 0.24, "South": 0.18, "East": 0.20, "West": 0.22, "Central": 0.16}
#: Annual growth of each region's customer acquisition rate.
REGION_GROWTH = {"North": 0.06, "South": 0.20, "East": 0.00, "West": -0.08, "Central": 0.12}
#: Purchase-intensity multiplier by calendar month (mean 1): a Q4 peak, quarter-end pushes.
MONTH_SEASONALITY = [0.80, 0.85, 0.90, 0.90, 0.95, 1.00, 0.85, 0.85, 1.00, 1.15, 1.30, 1.45]
WEEKDAY_INTENSITY = [1.0, 1.0, 1.0, 1.0, 1.0, 0.15, 0.10]  # Mon..Sun
SEGMENTS = ["SMB", "Mid-Market", "Enterprise"]
SEGMENT_SHARE = [0.60, 0.28, 0.12]
SEGMENT_SPEND = {"SMB": 0.6, "Mid-Market": 1.0, "Enterprise": 2.4}
CHANNELS = ["Direct", "Partner", "Online"]
CHANNEL_SHARE = [0.45, 0.30, 0.25]
PRODUCT_LINES = ["Hardware", "Software", "Services"]
#: List price per unit in 2023 and its yearly increase.
LIST_PRICE = {"Hardware": 240.0, "Software": 120.0, "Services": 90.0}
PRICE_INCREASE = {"Hardware": 0.03, "Software": 0.05, "Services": 0.04}
#: Product-line probabilities by segment in 2023; Software gains share each year.
PRODUCT_MIX = {
    "SMB": [0.40, 0.35, 0.25],
    "Mid-Market": [0.35, 0.40, 0.25],
    "Enterprise": [0.30, 0.35, 0.35],
}
SOFTWARE_SHIFT_PER_YEAR = 0.03

BTYD = {"r": 1.3, "alpha": 6.0, "a": 0.75, "b": 4.5}  # per week
SPEND = {"p": 6.0, "q": 4.0, "gamma": 300.0}
SATISFACTION_TO_DROPOUT = 0.6  # logit(p) falls by this per SD of satisfaction
ITEMS = ["q_product_quality", "q_service_level", "q_after_sales"]
DRIVER_WEIGHTS = {
    "North": {"q_product_quality": 0.55, "q_service_level": 0.30, "q_after_sales": 0.15},
    "South": {"q_product_quality": 0.15, "q_service_level": 0.55, "q_after_sales": 0.30},
    "East": {"q_product_quality": 0.30, "q_service_level": 0.15, "q_after_sales": 0.55},
    "West": {"q_product_quality": 0.55, "q_service_level": 0.15, "q_after_sales": 0.30},
    "Central": {"q_product_quality": 0.30, "q_service_level": 0.55, "q_after_sales": 0.15},
}
#: Mean of each latent item by region (Likert midpoint is 3).
ITEM_MEANS = {
    "North": [3.8, 3.6, 3.4],
    "South": [3.5, 3.9, 3.6],
    "East": [3.6, 3.3, 3.2],
    "West": [3.3, 3.5, 3.6],
    "Central": [3.9, 3.7, 3.5],
}
SURVEY_RATE = 0.25  # share of orders followed by a survey response
COMPLAINT_RATE_PER_YEAR = 0.35
COMPLAINT_SATISFACTION_EFFECT = 0.7  # log-rate falls by this per SD of satisfaction
COMPLAINT_CATEGORIES = ["Billing", "Delivery", "Product defect", "Service", "Other"]
COMPLAINT_CATEGORY_SHARE = [0.25, 0.25, 0.20, 0.20, 0.10]
#: Targets: same quarter last year x (1 + half the trailing four quarters' year-on-year
#: growth, clipped to GROWTH_CLIP; PLANNED_GROWTH while there is no full year before) x
#: (1 + STRETCH).
PLANNED_GROWTH = 0.15
GROWTH_CLIP = (0.9, 1.3)
STRETCH = 0.03
#: Planted for the rep assessment: this rep (in North, with the company since before the
#: window) holds the region's hardest customers by the assessment's strata -- small or no
#: revenue in the year before the last complete quarter and under three years' tenure --
#: by swapping who holds whom inside North (every rep keeps its book size). Its raw
#: retention is well below the company's; adjusted for the mix it is at par.
HARD_BOOK = {"rep_id": "R01", "region": "North"}
#: Planted for the periodic evaluation: from this month on, the region's active customers
#: make extra complaints of this category at this rate per customer-year (a level shift
#: of the region's complaint rate), drawn from a generator of their own.
CHANGE_POINT = {
    "region": "East",
    "metric": "complaint_rate",
    "category": "Delivery",
    "from": "2026-01",
    "extra_per_year": 0.4,
}
