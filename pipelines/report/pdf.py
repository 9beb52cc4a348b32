"""`culture report --pdf`: print the HTML reports to A4 PDF with headless Chromium (the print
stylesheet decides the layout), where a Chromium is installed."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


class NoBrowser(RuntimeError):
    """No headless Chromium here: the HTML reports are still written; only the PDFs are not."""


def find_chromium() -> str | None:
    configured = os.environ.get("CULTURE_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def print_pdfs(html_paths: list[Path]) -> list[Path]:
    """One PDF beside each HTML report. Raises NoBrowser where no Chromium can be found."""
    executable = find_chromium()
    if executable is None:
        raise NoBrowser("no headless Chromium found (install Debian's chromium package, or set CULTURE_CHROMIUM "
                        "to its path); the HTML reports were written, the PDFs were not")
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            for html in html_paths:
                page.goto(html.resolve().as_uri())
                page.wait_for_load_state("load")
                page.emulate_media(media="print")
                pdf = html.with_suffix(".pdf")
                page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
                written.append(pdf)
        finally:
            browser.close()
    return written
