"""The analysts' HTML report: one self-contained page of charts drawn from the warehouse."""

from mpnews.report.build import DEFAULT_WEEKS, render_report, write_report

__all__ = ["DEFAULT_WEEKS", "render_report", "write_report"]
