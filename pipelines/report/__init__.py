"""Report: the culture report's pages, charts, PDFs and exports, read from the published views."""
