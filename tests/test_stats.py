"""salesmeasure.stats against published and hand-computed values."""

from __future__ import annotations

import pytest
from scipy import stats as st

from salesmeasure.stats import largest_remainder, wilson_interval


def test_wilson_interval_matches_Newcombe_1998_table_I():
    """Newcombe (1998), Statistics in Medicine 17, 857-872, Table I: 81/263 gives the
    Wilson score interval 0.2553 to 0.3662."""
    lo, hi = wilson_interval(81, 263)
    assert lo == pytest.approx(0.2553, abs=5e-5)
    assert hi == pytest.approx(0.3662, abs=5e-5)


@pytest.mark.parametrize("n", [1, 3, 14, 250])
def test_wilson_interval_at_the_edges_is_exact_and_contains_the_estimate(n):
    """At 0 successes the lower bound is exactly 0 and the upper z^2 / (n + z^2); at n
    successes the mirror image (hand-derived from the score interval). Rounding must not
    put the estimate outside its own interval (0/3 gave a lower bound of 5.6e-17, which
    made an error bar negative)."""
    z2 = st.norm.ppf(0.975) ** 2
    assert wilson_interval(0, n) == (0.0, pytest.approx(z2 / (n + z2)))
    assert wilson_interval(n, n) == (pytest.approx(n / (n + z2)), 1.0)
    for k in range(0, n + 1, max(1, n // 7)):
        lo, hi = wilson_interval(k, n)
        assert lo <= k / n <= hi


def test_largest_remainder_adds_up_exactly_and_gives_leftovers_to_the_largest_remainders():
    """100 split 1:1:1 is 34/33/33 (Hamilton's method, ties to the first); 10 by
    0.55/0.45 is 6/4 (5.5 and 4.5: one unit left, to the first of the tied remainders)."""
    assert list(largest_remainder(100, [1, 1, 1])) == [34, 33, 33]
    assert list(largest_remainder(10, [0.55, 0.45])) == [6, 4]
    assert sum(largest_remainder(1_234_567, [0.1, 0.2, 0.3, 0.4])) == 1_234_567
