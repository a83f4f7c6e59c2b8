"""The progress report as PDF: what it says (read back with poppler's pdftotext), that its graph is
drawn (the page rendered with pdftoppm has the graph's colours; a report with no data has none),
and that printing never reaches the network."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from paradesk.progress import pdf, reports
from paradesk.progress.tests.test_reports import quarter, with_four
from paradesk.testing import Personas

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def first_page(data: bytes, tmp_path: Path) -> Image.Image:
    path = tmp_path / "page.pdf"
    path.write_bytes(data)
    png = subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path)], check=True, capture_output=True
    ).stdout
    return Image.open(io.BytesIO(png)).convert("RGB")


def coloured_pixels(image: Image.Image) -> int:
    """Pixels in a clear colour (the graph's points and lines); the report's text and rules are
    black or grey, so a page without a graph has next to none."""
    raw = image.tobytes()
    pixels = (raw[index : index + 3] for index in range(0, len(raw), 3))
    return sum(1 for pixel in pixels if max(pixel) - min(pixel) > 60)


def report_bytes(personas: Personas) -> bytes:
    return pdf.report_pdf(reports.report_for(personas.plan, quarter(personas.plan)))


def test_the_pdf_says_who_what_and_how_far(personas: Personas, tmp_path: Path) -> None:
    """29, 33, 31, 35 after the baseline 20, 30, 25 (test_reports.py): baseline 25%, current 33%."""
    with_four(personas, [29, 33, 31, 35])
    text = pdf_text(report_bytes(personas), tmp_path)
    flat = " ".join(text.split())
    assert personas.student.display_name in flat
    assert personas.school.name in flat
    assert "IEP, version 1" in flat
    assert "Quarter 1" in flat
    assert personas.goal.text[:40] in flat
    assert "Sight words read correctly" in flat
    assert "Discrete trials" in flat
    assert "Baseline 25% (median of the first 3 sessions)" in flat
    assert "Current level 33% (median of the last 3 sessions" in flat
    assert "not yet decided" in flat
    assert "proposed from the data: Sufficient progress to meet the goal" in flat
    assert "Behavior: Elopement" in flat
    assert "Confidential student record (FERPA)" in flat
    assert "Page 1 of" in flat


def test_the_decision_and_narrative_are_printed(personas: Personas, tmp_path: Path) -> None:
    with_four(personas, [29, 33, 31, 35])
    report = reports.report_for(personas.plan, quarter(personas.plan))
    line = next(line for line in report.lines if line.measure.pk == personas.measure.pk)
    reports.decide(
        actor=personas.case_manager,
        student_id=personas.student.pk,
        decisions=[reports.Decision(line.entry, "insufficient", "Zebulon reads a few more words each week.")],
    )
    flat = " ".join(pdf_text(report_bytes(personas), tmp_path).split())
    assert "Progress: Insufficient progress to meet the goal" in flat
    assert "The data proposed: Sufficient progress to meet the goal." in flat
    assert "Zebulon reads a few more words each week." in flat


def test_the_graph_is_drawn_and_a_report_without_data_has_none(personas: Personas, tmp_path: Path) -> None:
    empty = coloured_pixels(first_page(report_bytes(personas), tmp_path))
    with_four(personas, [29, 33, 31, 35])
    drawn = coloured_pixels(first_page(report_bytes(personas), tmp_path))
    assert empty < 20
    assert drawn > 150  # about 350 at 50 dpi: the session points, trend and aimline


def test_the_printed_html_asks_for_nothing_on_the_network(personas: Personas) -> None:
    with_four(personas, [29, 33, 31, 35])
    html = pdf.report_html(reports.report_for(personas.plan, quarter(personas.plan)))
    assert "http://" not in html
    assert "https://" not in html
    assert 'src="data:image/svg+xml;base64,' in html


def test_the_fetcher_refuses_http_and_files_outside_the_static_folder(tmp_path: Path) -> None:
    fetcher = pdf.OfflineFetcher(pdf.allowed_roots())
    for url in ("http://example.com/style.css", "https://example.com/font.woff", "ftp://example.com/x"):
        with pytest.raises(pdf.RefusedURL):
            fetcher.fetch(url)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for reports")
    with pytest.raises(pdf.RefusedURL):
        fetcher.fetch(secret.as_uri())
    stylesheet = fetcher.fetch(pdf.stylesheet_path().as_uri())
    assert b"@page" in stylesheet.read()
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"


def test_a_remote_image_in_a_report_is_skipped_not_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def no_network(*args: object, **kwargs: object) -> None:
        asked.append(str(args))
        raise AssertionError("the network was reached")

    monkeypatch.setattr("urllib.request.OpenerDirector.open", no_network)
    document = pdf.printer().document('<p>Hello</p><img src="https://example.com/tracker.png">')
    assert len(document.pages) == 1
    assert asked == []


def test_page_words_are_css_strings_with_counters() -> None:
    assert pdf.css_content("Page {page} of {pages}") == '"Page " counter(page) " of " counter(pages)'
    assert pdf.css_string('a "quoted" </style>') == '"a \\"quoted\\" \\3C /style>"'
