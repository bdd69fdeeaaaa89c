"""Save docs/ui-first-screen.png (what is indexed, the example questions) and docs/ui-chat.png (the
chat answering a Vietnamese question, its source highlighted).

Runs the real app over the repository's corpus with a temporary index, and Debian's chromium
through Playwright:  python scripts/ui_screenshot.py [CHAT.png [FIRST_SCREEN.png]]
"""

from __future__ import annotations

import socket
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTION = "Nghệ An ký kết hợp tác với TP.HCM từ năm nào?"


def main() -> None:
    """Launch the app on a free loopback port, ask, wait for the highlighted source, screenshot."""
    import ui
    from assistant.chain import Assistant
    from assistant.settings import Settings
    from playwright.sync_api import sync_playwright

    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "ui-chat.png"
    first = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "docs" / "ui-first-screen.png"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(environ={}, corpus_dir=ROOT / "corpus", index_dir=Path(tmp) / "index")
        assistant = Assistant(settings)
        assistant.reindex()
        app = ui.serve(assistant, port=port, prevent_thread_lock=True)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                )
                page = browser.new_page(viewport={"width": 1200, "height": 860}, device_scale_factor=1)
                page.goto(f"http://127.0.0.1:{port}/")
                page.locator("#chat .example").first.wait_for(timeout=60_000)
                page.locator("#overview").wait_for(timeout=60_000)
                first.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(first))
                box = page.locator("#question textarea")
                box.fill(QUESTION)
                box.press("Enter")
                page.locator("#chat .hd-sources mark").first.wait_for(timeout=60_000)
                page.wait_for_timeout(500)  # let the chat finish scrolling
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out))
                browser.close()
        finally:
            app.close()
    print(first)
    print(out)


if __name__ == "__main__":
    main()
