"""The browser fixtures (Debian's Chromium for Playwright, and skipping browser tests without it)
live in the root conftest.py, shared by every area's browser tests."""
