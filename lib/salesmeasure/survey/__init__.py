"""Customer satisfaction survey analysis (notebook 02), one module per topic.

* :mod:`~salesmeasure.survey.scores` -- score validation, NPS groups (``nps_group``,
  ``latest_nps_group``), NPS, CSAT and CES with intervals, suppression;
* :mod:`~salesmeasure.survey.breakdown` -- score summary, by group, by period, Likert
  distributions;
* :mod:`~salesmeasure.survey.reliability` -- Cronbach's alpha;
* :mod:`~salesmeasure.survey.drivers` -- key drivers (Johnson's relative weights);
* :mod:`~salesmeasure.survey.compare` -- group and period comparisons (``Comparison``);
* :mod:`~salesmeasure.survey.complaints` -- response and complaint metrics;
* :mod:`~salesmeasure.survey.loyalty` -- repeat purchase by NPS group;
* :mod:`~salesmeasure.survey.build` -- every section of the report, thin data explained;
* :mod:`~salesmeasure.survey.comments` -- what the comments say (themes, sentiment;
  ``voice(ctx)`` builds the report section);
* :mod:`~salesmeasure.survey.page` -- the page's NPS distribution, responses per period,
  detractor follow-up by customer value, driver priority;
* :mod:`~salesmeasure.survey.text` -- the sentences and tables a manager reads.

This package re-exports all of them for notebooks (``from salesmeasure import survey``).
Analytics elsewhere import the submodule they need (``salesmeasure.survey.scores``).
"""

from salesmeasure.survey.breakdown import *  # noqa: F403
from salesmeasure.survey.build import *  # noqa: F403
from salesmeasure.survey.comments.build import voice  # noqa: F401
from salesmeasure.survey.compare import *  # noqa: F403
from salesmeasure.survey.complaints import *  # noqa: F403
from salesmeasure.survey.drivers import *  # noqa: F403

# private helpers the tests check against an independent implementation
from salesmeasure.survey.drivers import _batch_relative_weights, _corr_from_moments  # noqa: F401,E402
from salesmeasure.survey.loyalty import *  # noqa: F403
from salesmeasure.survey.page import *  # noqa: F403
from salesmeasure.survey.reliability import *  # noqa: F403
from salesmeasure.survey.scores import *  # noqa: F403
from salesmeasure.survey.text import *  # noqa: F403
