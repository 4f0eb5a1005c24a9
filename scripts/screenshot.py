"""Screenshot the bundled report for the README: `make screenshot`.

Renders the report and annotated documents into out/ with the command line, then photographs
the top of the report and its evidence map in headless Chromium (Debian's `chromium`).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path("out")
IMAGES = Path("docs/images")


def main() -> int:
    chromium = shutil.which("chromium")
    if chromium is None:
        print("screenshot: chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 2
    IMAGES.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1100, "height": 1500}, device_scale_factor=1)
        page.goto((OUT / "report.html").resolve().as_uri())
        page.screenshot(path=IMAGES / "report.png")
        page.goto((OUT / "wellness.html").resolve().as_uri())
        page.set_viewport_size({"width": 1100, "height": 760})
        page.screenshot(path=IMAGES / "annotated.png")
        browser.close()
    print(f"wrote {IMAGES / 'report.png'} and {IMAGES / 'annotated.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
