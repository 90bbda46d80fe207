"""End to end in headless Chromium (Debian's `chromium` and `chromium-driver`, driven by Selenium):
the console served by uvicorn on 127.0.0.1 over a SQLite database the test seeds, the outbox sending
through the fake Bot API. A trainer signs in with a one-time link (`oralblanc web link`), opens the
review queue, confirms one scorecard and amends another (the candidate's chat receives both through
the Bot API); a jury member opens the editor, breaks the YAML and sees the lint message at its line,
fixes it, saves and publishes, tries it (a line, the persona's answer, the scorecard) and opens one of
its sessions, anonymised. Each page is screenshotted into `<tmp_path>/screenshots/`."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from scenarios.model import Audio, Turn
from storage.db import make_engine
from storage.repository import Repository
from tests.core_world import ADMIN_TG, SCENARIO, build_world
from tests.fake_bot_api import FakeBotAPI

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
LIBRARY_FILE = Path(__file__).resolve().parent.parent / "scenarios" / "library" / f"{SCENARIO}.yaml"
QUOTE = "Quels volumes prévoyez-vous pour la saison prochaine"
CARD_WITH_QUOTES: dict[str, Any] = {
    "format": "oralblanc.scorecard/1",
    "criteria": [
        {
            "code": "BLOC2.A2.C1.CR1",
            "level": 2,
            "status": "scored",
            "weight": 1.0,
            "evidence": [{"turn": 2, "quote": QUOTE}],
            "indicators": [
                {"code": "BLOC2.A2.C1.CR1.1", "met": True, "evidence": [{"turn": 2, "quote": QUOTE}]}
            ],
            "advice": "Reformulez le besoin avant de proposer.",
        },
        {
            "code": "BLOC2.A2.C2.CR2",
            "level": 1,
            "status": "scored",
            "weight": 1.0,
            "evidence": [{"turn": 4, "quote": "je peux descendre à 3 %"}],
            "advice": "Demandez une contrepartie à chaque concession.",
        },
    ],
    "overall": {"score_20": 9.5},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BotApiThread:
    """The fake Bot API on an event loop of its own (the test itself blocks on the browser)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.api: FakeBotAPI | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.api = FakeBotAPI()
        self.loop.run_until_complete(self.api.start())
        self.loop.run_forever()

    def __enter__(self) -> FakeBotAPI:
        self.thread.start()
        until = time.monotonic() + 10
        while (self.api is None or not self.api.port) and time.monotonic() < until:
            time.sleep(0.02)
        assert self.api is not None and self.api.port
        return self.api

    def __exit__(self, *exc: object) -> None:
        assert self.api is not None
        asyncio.run_coroutine_threadsafe(self.api.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


class Served:
    """uvicorn serving the console in a thread, on 127.0.0.1 at a free port."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = _free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Served:
        self.thread.start()
        until = time.monotonic() + 30
        while not self.server.started and time.monotonic() < until:
            time.sleep(0.05)
        assert self.server.started, "uvicorn did not start"
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)


def _wait(what: str, check: Callable[[], Any], timeout: float = 15.0) -> Any:
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.fail(
            "Debian's chromium and chromium-driver are needed (make test installs them as root)",
            pytrace=False,
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
        "--lang=fr-FR",
        "--no-proxy-server",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _seed(sync: Repository) -> dict[str, int]:
    """The core tests' world, plus a second scored session whose scorecard quotes the candidate."""
    world = asyncio.run(build_world(sync))
    candidate = world.me("candidate").user_id
    assert candidate is not None
    session = sync.start_session(candidate, world.catalog.scenarios[SCENARIO], "fr", "voice")
    sync.add_turn(session, Turn(speaker="persona", text="Bonjour, je vous écoute. Que me proposez-vous ?"))
    sync.add_turn(
        session,
        Turn(speaker="candidate", text=f"Bonjour ! {QUOTE} ?", audio=Audio(duration_s=3.2)),
        audio_bytes=b"OggS not really a voice note",
    )
    sync.add_turn(
        session, Turn(speaker="persona", text="Environ 12 000 kits, mais il me faut 6 % de remise.")
    )
    sync.add_turn(
        session,
        Turn(speaker="candidate", text="D'accord, je peux descendre à 3 % si vous vous engagez sur l'année."),
    )
    sync.finish_session(session)
    second = sync.save_scorecard(session, CARD_WITH_QUOTES, "test")
    return {"first": world.scorecard_id, "second": second, "cohort": world.cohort_id}


def test_trainer_and_jury_in_a_browser(browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    from typer.testing import CliRunner

    from bot.cli import app as cli
    from bot.config import Settings, get_settings
    from bot.web.app import create_app

    shots = tmp_path / "screenshots"
    shots.mkdir()
    taken: list[Path] = []

    def shot(name: str) -> None:
        path = shots / f"{len(taken) + 1:02d}-{name}.png"
        browser.save_screenshot(str(path))
        taken.append(path)

    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    engine = make_engine(url)
    sync = Repository(engine)
    ids = _seed(sync)

    with (
        BotApiThread() as api,
        Served(
            create_app(
                Settings(
                    database_url=url,
                    web_secret="browser-test-secret",
                    admins=str(ADMIN_TG),
                    telegram_bot_token=api.token,
                    telegram_api_base_url=api.base_url,
                    telegram_file_base_url=api.file_base_url,
                    engine="scripted",
                )
            )
        ) as served,
    ):
        # the trainer's one-time link, from the terminal
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("ORALBLANC_ADMINS", str(ADMIN_TG))
        get_settings.cache_clear()
        made = CliRunner().invoke(cli, ["web", "link", "--user", "tg:2", "--base-url", served.url])
        get_settings.cache_clear()
        assert made.exit_code == 0, made.output
        link = made.output.strip().splitlines()[-1]
        assert link.startswith(served.url + "/signin/")

        browser.get(link)
        shot("sign-in")
        browser.find_element(By.ID, "signin").click()
        _wait("the review queue", lambda: browser.current_url.endswith("/review"))
        assert "Fiches à valider" in browser.page_source
        shot("review-queue")

        # confirm the first scorecard
        browser.find_element(By.CSS_SELECTOR, f'a[href="/review/{ids["first"]}"]').click()
        shot("scorecard-first")
        browser.find_element(By.ID, "confirm").click()
        _wait("the confirmation", lambda: "prévenu·e sur Telegram" in browser.page_source)
        assert sync.scorecard(ids["first"]).review_status == "confirmed"
        _wait("the candidate told of the confirmation", lambda: len(api.texts(1)) >= 2)

        # amend the second: its quotes are highlighted in their turns, the spoken turn playable
        browser.get(f"{served.url}/review/{ids['second']}")
        marks = browser.find_elements(By.CSS_SELECTOR, "#turn-2 mark")
        assert marks and QUOTE in marks[0].text
        assert browser.find_elements(By.CSS_SELECTOR, "#turn-4 mark")
        assert (
            browser.find_element(By.CSS_SELECTOR, "#turn-2 audio").get_attribute("src").endswith("/audio/2")
        )
        shot("scorecard-second")
        Select(browser.find_element(By.ID, "amend-criterion")).select_by_value("BLOC2.A2.C2.CR2")
        Select(browser.find_element(By.ID, "amend-level")).select_by_value("2")
        browser.find_element(By.ID, "amend-comment").send_keys("La contrepartie est bien demandée.")
        browser.find_element(By.ID, "amend").click()
        _wait("the amendment", lambda: "modifiée ; le ou la candidat·e est prévenu·e" in browser.page_source)
        assert sync.scorecard(ids["second"]).review_status == "amended"
        told = _wait(
            "the candidate told of the amendment",
            lambda: [text for text in api.texts(1) if "La contrepartie est bien demandée." in text],
        )
        assert told
        shot("scorecard-amended")

        browser.get(f"{served.url}/cohorts/{ids['cohort']}")
        assert "t.me/oralblanc_test_bot?start=" in browser.page_source
        shot("cohort")
        browser.get(f"{served.url}/cohorts/{ids['cohort']}/results")
        _wait(
            "the charts",
            lambda: browser.execute_script(
                "return [...document.images].every(i => i.complete && i.naturalWidth > 0)"
            ),
        )
        shot("results")
        browser.set_window_size(400, 900)
        browser.get(f"{served.url}/review/{ids['second']}")
        shot("scorecard-phone")
        browser.set_window_size(1280, 1000)

        # the jury member: a link from the terminal too
        browser.delete_all_cookies()
        get_settings.cache_clear()
        made = CliRunner().invoke(cli, ["web", "link", "--user", "tg:4", "--base-url", served.url])
        get_settings.cache_clear()
        assert made.exit_code == 0, made.output
        browser.get(made.output.strip().splitlines()[-1])
        browser.find_element(By.ID, "signin").click()
        _wait("the scripts", lambda: browser.current_url.endswith("/scripts"))
        shot("scripts")

        browser.get(f"{served.url}/scripts/{SCENARIO}")
        _wait("the clean lint", lambda: browser.find_elements(By.ID, "lint-ok"))
        source = browser.find_element(By.ID, "source").get_attribute("value")
        assert source.strip() == LIBRARY_FILE.read_text(encoding="utf-8").strip()
        shot("editor")

        def type_source(text: str) -> None:
            browser.execute_script(
                "const area = document.getElementById('source'); area.value = arguments[0];"
                "area.dispatchEvent(new Event('input', {bubbles: true}));",
                text,
            )

        lines = source.splitlines()
        broken_at = next(i for i, line in enumerate(lines) if line.startswith("kind:")) + 1
        type_source(source.replace("\nkind:", "\nkindd:", 1))
        problem = _wait(
            "the lint message at its line",
            lambda: browser.find_elements(By.CSS_SELECTOR, f'.problem[data-line="{broken_at}"]'),
        )
        assert f"script.yaml:{broken_at}:" in problem[0].text
        problem[0].find_element(By.CSS_SELECTOR, "button.goto").click()
        assert (
            browser.execute_script(
                "const a = document.getElementById('source'); return a.value.slice(0, a.selectionStart).split('\\n').length;"
            )
            == broken_at
        )
        shot("editor-broken")

        live = next(int(line.split(":")[1]) for line in lines if line.startswith("version:"))
        fixed = source.replace(f"\nversion: {live}\n", f"\nversion: {live + 1}\n", 1)
        type_source(fixed)
        _wait("the fixed script", lambda: browser.find_elements(By.ID, "lint-ok"))
        shot("editor-fixed")
        browser.find_element(By.ID, "save").click()
        _wait("the save", lambda: "enregistré (non publié)" in browser.page_source)
        browser.find_element(By.ID, "publish").click()
        _wait("the publication", lambda: "publié : les candidats le jouent désormais" in browser.page_source)
        assert sync.latest_upload(SCENARIO).published  # type: ignore[union-attr]
        assert f"v{live + 1}" in browser.page_source
        shot("published")

        # try it in the browser (exam mode, text): one line, the persona answers, end, the scorecard
        browser.find_element(By.ID, "try").click()
        _wait("the trial", lambda: browser.find_elements(By.ID, "say-text"))
        browser.find_element(By.ID, "say-text").send_keys("Quels volumes prévoyez-vous pour la saison ?")
        browser.find_element(By.ID, "say").click()
        _wait(
            "the persona's answer",
            lambda: len(browser.find_elements(By.CSS_SELECTOR, "#trial-turns li")) == 3,
        )
        shot("trial")
        browser.find_element(By.ID, "end").click()
        _wait("the trial's scorecard", lambda: browser.find_elements(By.ID, "trial-scorecard"))
        shot("trial-scorecard")

        # one of the script's sessions, anonymised (the trial is not listed)
        browser.get(f"{served.url}/scripts/{SCENARIO}")
        browser.find_element(By.CSS_SELECTOR, "#script-sessions a").click()
        _wait("the transcript", lambda: "/sessions/" in browser.current_url)
        assert "Candidat·e" in browser.page_source and "Alice" not in browser.page_source
        shot("session-anonymised")

    engine.dispose()
    assert all(p.stat().st_size > 5_000 for p in taken)
    print(f"\nscreenshots: {shots}")
