"""Consultation statistics for the library's reports (the national evaluation of public
libraries): capture at the channel layer (capture.py), daily aggregates (aggregate.py),
the report and its exports (report.py, export.py), knowledge health (health.py) and a
generator of a year of realistic data (generate.py). Definitions: docs/statistics.md."""
