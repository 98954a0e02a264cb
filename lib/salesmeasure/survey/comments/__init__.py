"""Voice of the customer: what the survey comments say, in Chinese and English.

* :mod:`~salesmeasure.survey.comments.lexicon` -- seed themes, sentiment words, stopwords;
* :mod:`~salesmeasure.survey.comments.segment` -- cleaning and segmenting (jieba);
* :mod:`~salesmeasure.survey.comments.analyse` -- themes (lexicon and NMF) and sentiment
  of every comment;
* :mod:`~salesmeasure.survey.comments.measures` -- theme shares with intervals, change
  on the last period, detractors against promoters, themes as drivers of NPS,
  sentiment checked against the scores, typical verbatims;
* :mod:`~salesmeasure.survey.comments.build` -- the report section "What customers say".

Analytics only: the words a manager reads are in :mod:`salesmeasure.survey.text.comments`.
"""
