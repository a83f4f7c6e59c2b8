"""Progress reports as PDF: a Django template rendered by WeasyPrint, one student per document,
and many reports' PDFs joined into one with pypdf for a batch.

Rendering never reaches the network: the print stylesheet is read from the static files, relative
links resolve against the static folder (``base_url``), and the URL fetcher refuses anything but
``data:`` URLs and files inside the static folders. The graphs are helper SVGs from
paradesk.progress.graphs, embedded as ``data:`` images. Fonts are DejaVu, from the system.
"""

from __future__ import annotations

import base64
import io
import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from paradesk.progress import graphs, series, words
from paradesk.progress.reports import Report, ReportLine, ReportSection

logger = logging.getLogger(__name__)

STYLESHEET = "progress/report_print.css"
TEMPLATE = "progress/pdf/report.html"
GRAPH_WIDTH_IN = 7.0
GRAPH_HEIGHT_IN = 3.0


class RefusedURL(ValueError):
    """A report asked for something outside the static files (WeasyPrint skips it and goes on)."""


def stylesheet_path() -> Path:
    found = finders.find(STYLESHEET)
    if not found:
        raise FileNotFoundError(STYLESHEET)
    return Path(str(found)).resolve()


def static_root() -> Path:
    """The static folder that holds the print stylesheet: relative links resolve against it."""
    return stylesheet_path().parent.parent


def allowed_roots() -> tuple[Path, ...]:
    return (static_root(), Path(settings.STATIC_ROOT).resolve())


class OfflineFetcher(URLFetcher):
    """Fetches ``data:`` URLs and files inside the static folders; refuses http(s) and the rest."""

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
        self.roots = tuple(roots)

    def fetch(self, url: str, headers: Any = None) -> Any:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "file" and not self.inside_roots(url):
            raise RefusedURL(f"outside the static files: {url}")
        if scheme not in {"data", "file"}:
            raise RefusedURL(f"not fetched while printing: {scheme}")
        return super().fetch(url, headers)

    def inside_roots(self, url: str) -> bool:
        from urllib.request import url2pathname

        path = Path(url2pathname(url.split("?", 1)[0].removeprefix("file:"))).resolve()
        return any(path.is_relative_to(root) for root in self.roots)


class Printer:
    """What every render reuses: fonts, the parsed stylesheet and the fetcher. One per thread
    (WeasyPrint's font configuration is not shared between threads)."""

    def __init__(self) -> None:
        self.fonts = FontConfiguration()
        self.fetcher = OfflineFetcher(allowed_roots())
        self.base_url = static_root().as_uri() + "/"
        self.stylesheet = CSS(
            filename=str(stylesheet_path()), font_config=self.fonts, url_fetcher=self.fetcher
        )

    def document(self, html: str) -> Document:
        page = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
        return page.render(stylesheets=[self.stylesheet], font_config=self.fonts)


_local = threading.local()


def printer() -> Printer:
    found = getattr(_local, "printer", None)
    if found is None:
        found = _local.printer = Printer()
    return found


# ---- graphs and words from paradesk.progress.graphs / words ------------------------------------------------


def graph_uri(progress: series.MeasureProgress) -> str | None:
    """The measure's graph as a ``data:`` SVG image, or None without data (nothing to draw)."""
    if not progress.sessions:
        return None
    svg = graphs.svg(progress, width_in=GRAPH_WIDTH_IN, height_in=GRAPH_HEIGHT_IN)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# ---- pages --------------------------------------------------------------------------------------------


def css_string(text: str) -> str:
    """A CSS string literal; "<" escaped too, so no translation can close the style element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3C ")
    return f'"{escaped}"'


def css_content(text: str) -> str:
    """A translated "Page {page} of {pages}" as a CSS ``content`` value with page counters."""
    parts = re.split(r"(\{page\}|\{pages\})", text)
    counters = {"{page}": "counter(page)", "{pages}": "counter(pages)"}
    return " ".join(counters.get(part) or css_string(part) for part in parts if part)


def page_css() -> str:
    """The page margins' words, in the reader's language (CSS cannot call gettext)."""
    left = css_string(_("Confidential student record (FERPA)"))
    right = css_content(_("Page {page} of {pages}"))
    return f"@page {{ @bottom-left {{ content: {left}; }} @bottom-right {{ content: {right}; }} }}"


@dataclass
class PrintedLine:
    line: ReportLine
    graph: str | None
    decision_words: list[str]


@dataclass
class PrintedSection:
    section: ReportSection
    lines: list[PrintedLine]


def printed(report: Report, *, with_graphs: bool = True) -> list[PrintedSection]:
    def one(line: ReportLine) -> PrintedLine:
        graph = graph_uri(line.progress) if with_graphs else None
        return PrintedLine(line, graph, words.decision_words(line.progress))

    return [PrintedSection(section, [one(line) for line in section.lines]) for section in report.sections]


def report_context(report: Report, *, with_graphs: bool = True) -> dict[str, Any]:
    plan = report.plan
    return {
        "report": report,
        "plan": plan,
        "student": plan.student,
        "school": plan.student.school,
        "period": report.period,
        "sections": printed(report, with_graphs=with_graphs),
        "page_css": page_css(),
        "language": translation.get_language() or settings.LANGUAGE_CODE,
    }


def report_html(report: Report, *, with_graphs: bool = True) -> str:
    return render_to_string(TEMPLATE, report_context(report, with_graphs=with_graphs))


def report_document(report: Report) -> Document:
    return printer().document(report_html(report))


def report_pdf(report: Report, laid_out: Callable[[], None] | None = None) -> bytes:
    """The report as PDF bytes. ``laid_out()`` is called between the layout and the drawing:
    WeasyPrint draws the pages (for SVG graphs the costlier half) only while writing. The layout
    (boxes and graphs, about 4.5 MB a report) is freed on return."""
    document = report_document(report)
    if laid_out is not None:
        laid_out()
    return write(document)


def write(document: Document) -> bytes:
    found = document.write_pdf()
    assert found is not None
    return found


class CombinedPDF:
    """Many reports in one PDF, for printing as a stack: each report is written to PDF on its own
    and its pages appended here, so a batch holds one report's layout at a time, not every
    report's. The writer still holds each appended report as Python objects (~1.1 MB a report
    against ~4.5 MB of layout): a 200-report batch peaks at ~590 MB, was 1.1 GB
    (benchmarks/README.md).

    Each report keeps its own page numbers ("Page 1 of 6" on the student's first page) and its
    bookmarks (the student, then each goal); the file's title names the batch, not its first
    student."""

    def __init__(self, title: str, language: str) -> None:
        self.writer = PdfWriter()
        self.title = title
        self.language = language

    def append(self, report: bytes) -> None:
        reader = PdfReader(io.BytesIO(report))
        self.writer.append(reader, import_outline=True)
        # The writer keeps each source alive for later copies from it; there are none.
        self.writer.reset_translation(reader)

    def pages(self) -> int:
        return len(self.writer.pages)

    def write(self) -> bytes:
        if not self.pages():
            raise ValueError("no reports to join")
        self.writer.add_metadata({"/Title": self.title})
        self.writer.root_object[NameObject("/Lang")] = TextStringObject(self.language)
        found = io.BytesIO()
        self.writer.write(found)
        return found.getvalue()
