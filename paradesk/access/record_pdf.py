"""The complete record as a PDF: the exported page printed by WeasyPrint, as the progress reports
are (paradesk.progress.pdf). The page carries its own styles, so printing fetches nothing but
``data:`` URLs and never reaches the network."""

from __future__ import annotations

from typing import cast

from weasyprint import HTML

from paradesk.progress.pdf import OfflineFetcher


def record_pdf(html: str) -> bytes:
    document = HTML(string=html, url_fetcher=OfflineFetcher(())).render()
    return cast(bytes, document.write_pdf())
