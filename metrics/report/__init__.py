"""The report: ``serving/report.html``, a self-contained page of charts, after each publish."""

from metrics.report.page import write_report

__all__ = ["write_report"]
