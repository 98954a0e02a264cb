"""What a manager reads in the satisfaction survey report: sentences and tables built
from the numbers of :mod:`salesmeasure.survey` (scores, comparisons, drivers, complaints,
retention by NPS group).

Every word goes through :mod:`salesmeasure.i18n` at call time and every number through
:mod:`salesmeasure.format`. A suppressed estimate is shown as "too few responses", and so
is everything built on it: its change, its significance and any sentence about them.

* :mod:`~salesmeasure.survey.text.common` -- measure names and how values read;
* :mod:`~salesmeasure.survey.text.measures` -- scores, items, reliability, drivers,
  regions;
* :mod:`~salesmeasure.survey.text.followup` -- complaints, retention, responses;
* :mod:`~salesmeasure.survey.text.comments` -- what customers say (comment themes);
* :mod:`~salesmeasure.survey.text.page` -- takeaways, responses per period, detractor
  follow-up, driver priority, glossary links.
"""

from salesmeasure.survey.text.comments import *  # noqa: F403
from salesmeasure.survey.text.common import *  # noqa: F403
from salesmeasure.survey.text.followup import *  # noqa: F403
from salesmeasure.survey.text.measures import *  # noqa: F403
from salesmeasure.survey.text.page import *  # noqa: F403
