"""Fitted models of customer behaviour, one per file: purchase models (BG/NBD,
Pareto/NBD, sharing :class:`~salesmeasure.clv.models.base._PurchaseModel`) and the
Gamma-Gamma spend model."""

from salesmeasure.clv.models.base import _PurchaseModel
from salesmeasure.clv.models.beta_geo import BetaGeo
from salesmeasure.clv.models.gamma_gamma import GammaGamma
from salesmeasure.clv.models.pareto_nbd import ParetoNBD

__all__ = ["BetaGeo", "GammaGamma", "ParetoNBD", "_PurchaseModel"]

#: Purchase models by the name reports use, in the order they are tried.
PURCHASE_MODELS = {"BG/NBD": BetaGeo, "Pareto/NBD": ParetoNBD}
