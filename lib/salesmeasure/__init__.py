"""salesmeasure: sales targets and customer-relationship measurement."""

__version__ = "0.1.0"
