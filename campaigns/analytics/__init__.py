"""Reads: every figure and judgement the pages, exports and API show, from the database.

One module per sub-domain, each importing only the ones listed before it:

- ``figures``: totals of daily rows and the metrics over them (one grouped query for many
  campaigns and periods);
- ``results``: the result types (pacing, targets, health, funnel, recommendations, the
  campaign report, channel rows), below ``campaigns.recommendations``;
- ``judgement``: pacing, targets measured against time, and the one campaign health;
- ``funnel``: the recorded or derived funnel;
- ``reports``: campaign reports; ``comparison``; ``channels``; ``locations`` (overview and
  portfolio); ``series`` (a period's points by day, ISO week or month).

Call these inside ``tenancy.scope(location)``; the functions that take a location open that
scope themselves.
"""
