"""Seeded synthetic data with planted truths.

``generate(out_dir, seed=42, customers=3000)`` writes the six tables of the data model
plus ``generator.json``, the true parameters the data were drawn from, so that tests can
check that each analysis recovers something true.

The process, per customer (vectorised over all customers):

* **Acquisition.** Customers sign up between ``START`` and ``as_of`` in five regions whose
  acquisition rate grows (or shrinks) at a region-specific annual rate; each is served by
  one of the region's reps and belongs to a segment and a channel.
* **Buying and lapsing (BG/NBD).** The signup day is the first order. Repeat orders
  arrive as a Poisson process with rate ``lambda ~ Gamma(r, alpha)`` per week, modulated
  by a monthly seasonality (Q4 peak) and a weekday pattern (operational time); after each
  repeat order the customer lapses with probability ``p``, where
  ``logit(p) = logit(p0) - satisfaction_to_dropout * satisfaction_z`` and
  ``p0 ~ Beta(a, b)`` (Fader, Hardie & Lee 2005, with a planted satisfaction effect).
* **Spend (Gamma-Gamma).** Each customer's spend per order is ``Gamma(p, nu)`` with
  ``nu ~ Gamma(q, gamma)`` (Fader, Hardie & Lee 2005b), times a segment multiplier and
  the rep's skill, discretised into quantity x list price x (1 - discount).
* **Satisfaction.** Three latent item scores (product quality, service level, after-sales)
  share a common factor; satisfaction is their weighted sum with weights that differ by
  region. A share of orders is followed by a survey whose 1-5 items, 0-10 NPS, 1-5 CSAT
  and 1-7 CES (7 = very easy) are cut from the response-level scores.
* **Complaints** arrive while a customer is active at a rate that falls with satisfaction.
* **Targets** per region and rep for every quarter from the first full year on, set as
  last year's same-quarter revenue plus a planned growth, split to reps by share.
* **A harder book** (``HARD_BOOK``, for the rep assessment). Rep R01 is given North's
  hardest customers by the strata the assessment adjusts for -- small or without revenue
  in the year before the last complete quarter, and under three years' tenure -- by
  swapping who holds whom inside North after the draws (every rep keeps its book size;
  a customer's orders follow the new rep, amounts with the new rep's skill). R01's raw
  retention is well below the company's; adjusted, it is at par (``truth["hard_book_rep"]``).
* **A change point** (``CHANGE_POINT``, for the periodic evaluation). From January 2026
  East's active customers make extra Delivery complaints (0.4 a year each), drawn from a
  generator of their own: the region's complaint rate steps up in 2026Q1
  (``truth["change_point"]``).

Neither plant takes a draw from the main generator: ``simulate(..., plants=False)``
gives every other value unchanged (:mod:`salesmeasure.sample.plants`).

References
----------
Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005). "Counting your customers" the easy
way: An alternative to the Pareto/NBD model. Marketing Science 24(2), 275-284.
Fader, P. S., Hardie, B. G. S., & Lee, K. L. (2005b). RFM and CLV: Using iso-value curves
for customer base analysis. Journal of Marketing Research 42(4), 415-430.
"""

from __future__ import annotations

from salesmeasure.sample.params import *  # noqa: F403 (the planted truths)
from salesmeasure.sample.simulate import simulate
from salesmeasure.sample.write import generate, write

__all__ = ["generate", "simulate", "write"]
