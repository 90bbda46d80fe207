"""The web console's routes (Starlette's TestClient, a real SQLite database): every page and action as
anonymous, candidate, trainer of another cohort, jury, admin and the cohort's trainer (table-driven);
signing in with a one-time link (spent by the button, not by the GET; used or expired refused); CSRF;
the session cookie; the outbox's answer shown on the page."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from itsdangerous import TimestampSigner
from markupsafe import escape
from starlette.testclient import TestClient

from bot.config import Settings
from bot.core.sign_in import token_hash
from bot.web.app import SESSION_COOKIE, create_app
from scenarios.model import Turn
from storage.db import make_engine
from storage.repository import AsyncRepository, Repository
from tests.core_world import ADMIN_TG, SCENARIO, World, build_world

SECRET = "test-secret-test-secret"
CSRF = "csrf-token-of-the-test-session-0123456789"
LIBRARY_FILE = Path(__file__).resolve().parent.parent / "scenarios" / "library" / f"{SCENARIO}.yaml"
ROLES = ("anonymous", "candidate", "other_trainer", "jury", "admin", "trainer")


@dataclass
class Site:
    world: World
    sync: Repository
    app: Any
    client: TestClient
    audio_session: int
    bot: Any
    trial_session: int = 0

    def user_id(self, who: str) -> int:
        return self.world.me(who).user_id  # type: ignore[return-value]

    def as_(self, who: str) -> TestClient:
        """The client with a session of `who` (a CSRF token known to the test)."""
        data: dict[str, Any] = {"csrf": CSRF}
        if who != "anonymous":
            data["uid"] = self.user_id(who)
        cookie = TimestampSigner(SECRET).sign(base64.b64encode(json.dumps(data).encode())).decode()
        self.client.cookies.clear()
        self.client.cookies.set(SESSION_COOKIE, cookie)
        return self.client


class FakeBot:
    """Stands in for PTB's Bot in the outbox: records what it was asked to send."""

    username = "oralblanc_test_bot"

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def initialize(self) -> None: ...

    async def shutdown(self) -> None: ...

    async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
        self.sent.append((chat_id, text))


def settings(web_url: str = "http://127.0.0.1:8080") -> Settings:
    return Settings(
        web_secret=SECRET, admins=str(ADMIN_TG), web_url=web_url, telegram_bot_token=None, engine="scripted"
    )


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    engine = make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    sync = Repository(engine)
    world = asyncio.run(build_world(sync))
    candidate = world.me("candidate").user_id
    session = sync.start_session(candidate, world.catalog.scenarios[SCENARIO], "fr", "voice")  # type: ignore[arg-type]
    sync.add_turn(
        session, Turn(speaker="candidate", text="Quels volumes prévoyez-vous ?"), audio_bytes=b"OggS voice"
    )
    sync.finish_session(session)
    source = LIBRARY_FILE.read_text(encoding="utf-8")
    version = world.catalog.scenarios[SCENARIO].version
    bumped = source.replace(f"version: {version}\n", f"version: {version + 1}\n", 1)
    sync.save_script(
        world.catalog.scenarios[SCENARIO].model_copy(update={"version": version + 1}),
        bumped,
        uploaded_by=world.me("jury").user_id,
    )
    trial = sync.start_session(
        world.me("jury").user_id,
        world.catalog.scenarios[SCENARIO],
        "fr",  # type: ignore[arg-type]
        state={"telegram": {"trial": True, "exam": True, "web": True}},
    )
    sync.add_turn(trial, Turn(speaker="persona", text="Bonjour, je vous écoute."))
    bot = FakeBot()
    app = create_app(settings(), repo=AsyncRepository(sync), bot=bot)
    with TestClient(app, follow_redirects=False) as client:
        yield Site(world, sync, app, client, session, bot, trial)
    engine.dispose()


# path template → expected status per role (anonymous, candidate, other_trainer, jury, admin, trainer)
TRAINER_OWN = (401, 403, 404, 403, 200, 200)
TRAINER_ANY = (401, 403, 200, 403, 200, 200)
JURY = (401, 403, 403, 200, 200, 403)
PAGES = {
    "/cohorts": TRAINER_ANY,
    "/cohorts/{cohort}": TRAINER_OWN,
    "/cohorts/{cohort}/results": TRAINER_OWN,
    "/cohorts/{cohort}/charts/levels.png": TRAINER_OWN,
    "/cohorts/{cohort}/charts/scores.png": TRAINER_OWN,
    "/cohorts/{cohort}/export.csv": TRAINER_OWN,
    "/cohorts/{cohort}/export.html": TRAINER_OWN,
    "/review": TRAINER_ANY,
    "/review/{scorecard}": TRAINER_OWN,
    "/sessions/{audio_session}/audio/1": TRAINER_OWN,
    "/scripts": JURY,
    "/scripts/new": JURY,
    "/scripts/{scenario}": JURY,
    "/scripts/{scenario}/try/{trial}": (401, 403, 403, 200, 404, 403),  # only the jury member's own trial
    "/scripts/{scenario}/sessions/{session}": (401, 403, 404, 200, 200, 200),  # the jury's anonymised
}


def _fill(site: Site, template: str) -> str:
    return template.format(
        cohort=site.world.cohort_id,
        scorecard=site.world.scorecard_id,
        audio_session=site.audio_session,
        scenario=SCENARIO,
        trial=site.trial_session,
        session=site.world.session_id,
    )


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_for_every_role(site: Site, path: str) -> None:
    for who, expected in zip(ROLES, PAGES[path], strict=True):
        response = site.as_(who).get(_fill(site, path))
        assert response.status_code == expected, f"{who} GET {path}: {response.status_code}"
        if who == "anonymous":
            assert "/web" in response.text  # the sign-in page says how to get a link
        if expected == 403:
            assert "pas pour vous" in response.text or "not for you" in response.text


def _source(site: Site) -> str:
    return site.sync.latest_upload(SCENARIO).source  # type: ignore[union-attr]


ACTIONS: dict[str, tuple[Any, tuple[int, ...]]] = {
    "/cohorts": (lambda s: {"name": "Nouvelle promo"}, (401, 403, 303, 403, 303, 303)),
    "/cohorts/{cohort}/assign": (
        lambda s: {"scenario": SCENARIO, "due": "2099-01-31", "exam": "on", "attempts": "2"},
        TRAINER_OWN[:4] + (303, 303),
    ),
    "/review/{scorecard}/confirm": (lambda s: {"comment": "Bien"}, TRAINER_OWN[:4] + (303, 303)),
    "/review/{scorecard}/amend": (
        lambda s: {"criterion": "BLOC2.A2.C2.CR2", "level": "3", "comment": "Très bien"},
        TRAINER_OWN[:4] + (303, 303),
    ),
    "/scripts/lint": (lambda s: {"source": "id: x\n"}, JURY),
    "/scripts/save": (lambda s: {"source": _source(s)}, (401, 403, 403, 303, 303, 403)),
    "/scripts/{scenario}/publish": (
        lambda s: {},
        (401, 403, 403, 303, 400, 403),
    ),  # the admin's: already live
    "/scripts/{scenario}/try": (lambda s: {}, (401, 403, 403, 303, 303, 403)),
    "/scripts/{scenario}/try/{trial}/say": (
        lambda s: {"text": "Quels volumes prévoyez-vous ?"},
        (401, 403, 403, 303, 404, 403),
    ),  # the admin: not their trial
    "/scripts/{scenario}/try/{trial}/end": (lambda s: {}, (401, 403, 403, 303, 404, 403)),
}


@pytest.mark.parametrize("path", list(ACTIONS))
def test_every_action_for_every_role(site: Site, path: str) -> None:
    form, statuses = ACTIONS[path]
    for who, expected in zip(ROLES, statuses, strict=True):
        response = site.as_(who).post(_fill(site, path), data={**form(site), "csrf": CSRF})
        assert response.status_code == expected, (
            f"{who} POST {path}: {response.status_code} {response.text[:300]}"
        )


@pytest.mark.parametrize("path", list(ACTIONS) + ["/signout", "/signin"])
def test_a_form_without_its_csrf_token_is_refused(site: Site, path: str) -> None:
    form, _ = ACTIONS.get(path, (lambda s: {}, ()))
    client = site.as_("admin")
    assert client.post(_fill(site, path), data=form(site)).status_code == 403
    assert client.post(_fill(site, path), data={**form(site), "csrf": "forged"}).status_code == 403
    assert site.sync.scorecard(site.world.scorecard_id).review_status == "proposed"


def _link(site: Site, who: str, *, minutes: int = 15) -> str:
    import secrets
    from datetime import UTC, datetime, timedelta

    token = secrets.token_urlsafe(32)
    site.sync.add_web_link(
        site.user_id(who), token_hash(token), expires_at=datetime.now(UTC) + timedelta(minutes=minutes)
    )
    return token


def _csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def test_a_one_time_link_is_spent_by_the_button_not_by_the_preview(site: Site) -> None:
    client = site.client
    client.cookies.clear()
    token = _link(site, "trainer")
    for _ in range(2):  # a link preview, then the person: the GET spends nothing
        page = client.get(f"/signin/{token}")
        assert page.status_code == 200 and 'action="/signin"' in page.text
        assert page.headers["referrer-policy"] == "no-referrer"
    done = client.post("/signin", data={"token": token, "csrf": _csrf_of(page.text)})
    assert done.status_code == 303 and done.headers["location"] == "/"
    cookie = done.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    assert client.get("/").headers["location"] == "/review"
    assert client.get("/review").status_code == 200

    client.cookies.clear()  # the same link again: refused
    page = client.get(f"/signin/{token}")
    again = client.post("/signin", data={"token": token, "csrf": _csrf_of(page.text)})
    assert again.status_code == 400 and ("déjà servi" in again.text or "already used" in again.text)
    assert client.get("/review").status_code == 401


def test_an_expired_link_or_a_candidate_s_is_refused(site: Site) -> None:
    client = site.client
    for who, minutes, status in (("jury", -1, 400), ("candidate", 15, 403), ("jury", 15, 303)):
        client.cookies.clear()
        token = _link(site, who, minutes=minutes)
        page = client.get(f"/signin/{token}")
        response = client.post("/signin", data={"token": token, "csrf": _csrf_of(page.text)})
        assert response.status_code == status, who
    assert client.get("/").headers["location"] == "/scripts"


def test_the_session_cookie_is_secure_behind_https(site: Site) -> None:
    app = create_app(settings("https://console.example.org"), repo=site.world.repo, use_bot=False)
    with TestClient(app, base_url="https://console.example.org", follow_redirects=False) as client:
        token = _link(site, "trainer")
        page = client.get(f"/signin/{token}")
        done = client.post("/signin", data={"token": token, "csrf": _csrf_of(page.text)})
        assert done.status_code == 303 and "secure" in done.headers["set-cookie"].lower()


def test_a_decision_tells_the_candidate_or_says_it_could_not(site: Site) -> None:
    client = site.as_("trainer")
    page = client.get(f"/review/{site.world.scorecard_id}")
    assert "Alice Martin" in page.text and "Quels sont vos objectifs" in page.text
    done = client.post(
        f"/review/{site.world.scorecard_id}/amend",
        data={"criterion": "BLOC2.A2.C2.CR2", "level": "3", "comment": "Belle reformulation", "csrf": CSRF},
    )
    assert done.status_code == 303
    shown = client.get(done.headers["location"])
    assert "prévenu·e sur Telegram" in shown.text or "told on Telegram" in shown.text
    assert [chat for chat, _ in site.bot.sent][:1] == [1] and "Belle reformulation" in site.bot.sent[0][1]
    assert site.sync.scorecard(site.world.scorecard_id).review_status == "amended"

    quiet = create_app(settings(), repo=site.world.repo, use_bot=False)
    with TestClient(quiet, follow_redirects=False) as other:
        data = {"csrf": CSRF, "uid": site.user_id("trainer")}
        other.cookies.set(
            SESSION_COOKIE, TimestampSigner(SECRET).sign(base64.b64encode(json.dumps(data).encode())).decode()
        )
        done = other.post(f"/review/{site.world.scorecard_id}/confirm", data={"csrf": CSRF})
        shown = other.get(done.headers["location"])
        assert "PAS été prévenu" in shown.text or "NOT told" in shown.text


def test_amending_needs_a_comment_and_a_known_criterion(site: Site) -> None:
    client = site.as_("trainer")
    url = f"/review/{site.world.scorecard_id}/amend"
    assert (
        client.post(url, data={"criterion": "BLOC2.A2.C2.CR2", "level": "3", "csrf": CSRF}).status_code == 400
    )
    assert (
        client.post(url, data={"criterion": "ZZZ", "level": "3", "comment": "x", "csrf": CSRF}).status_code
        == 400
    )
    assert site.sync.scorecard(site.world.scorecard_id).review_status == "proposed"


def test_the_editor_lints_with_lines_and_previews(site: Site) -> None:
    client = site.as_("jury")
    source = LIBRARY_FILE.read_text(encoding="utf-8")
    good = client.post("/scripts/lint", data={"source": source, "csrf": CSRF})
    assert good.status_code == 200 and 'id="lint-ok"' in good.text
    scenario = site.world.catalog.scenarios[SCENARIO]
    assert (
        scenario.stages[0].id in good.text and site.world.catalog.personas[scenario.persona].name in good.text
    )
    broken = source.replace("kind:", "kindd:", 1)
    line = next(n for n, text in enumerate(broken.splitlines(), start=1) if text.startswith("kindd:"))
    bad = client.post("/scripts/lint", data={"source": broken, "csrf": CSRF}, headers={"HX-Request": "true"})
    assert f'data-line="{line}"' in bad.text and f"script.yaml:{line}:" in bad.text
    # htmx sends the token as a header
    assert (
        client.post("/scripts/lint", data={"source": source}, headers={"X-CSRF-Token": CSRF}).status_code
        == 200
    )
    saved = client.post("/scripts/save", data={"source": broken, "csrf": CSRF})
    assert saved.status_code == 422 and f"script.yaml:{line}:" in saved.text


def test_pages_in_english_and_french(site: Site) -> None:
    client = site.as_("trainer")
    assert "Fiches à valider" in client.get("/review").text  # the trainer's stored language (fr by default)
    client.get("/?lang=en")
    assert "Scorecards to review" in client.get("/review").text


def test_cohort_page_has_invite_link_and_qr(site: Site) -> None:
    page = site.as_("trainer").get(f"/cohorts/{site.world.cohort_id}")
    assert "https://t.me/oralblanc_test_bot?start=" in page.text and "<svg" in page.text
    csv = site.as_("trainer").get(f"/cohorts/{site.world.cohort_id}/export.csv")
    assert csv.headers["content-type"].startswith("text/csv") and "Alice Martin" in csv.text
    audio = site.as_("trainer").get(f"/sessions/{site.audio_session}/audio/1")
    assert audio.content == b"OggS voice" and audio.headers["content-type"] == "audio/ogg"


def test_scores_are_written_as_the_page_language_writes_them() -> None:
    from bot.web.render import score_text

    assert score_text(13.3, "fr") == "13,3" and score_text(13.3, "en") == "13.3"
    assert score_text(20.0, "fr") == "20" and score_text(None, "fr") == "–"


def _trial_location(response: Any) -> tuple[str, int]:
    assert response.status_code == 303, response.text[:300]
    location = response.headers["location"]
    found = re.fullmatch(rf"/scripts/{SCENARIO}/try/(\d+)", location)
    assert found, location
    return location, int(found.group(1))


def test_a_jury_member_tries_a_script_in_the_browser(site: Site) -> None:
    from bot.core import transcripts

    client = site.as_("jury")
    editor = client.get(f"/scripts/{SCENARIO}")
    assert f'action="/scripts/{SCENARIO}/try"' in editor.text
    url, number = _trial_location(client.post(f"/scripts/{SCENARIO}/try", data={"csrf": CSRF}))
    record = site.sync.session(number)
    assert record.state["telegram"]["trial"] is True and record.state["telegram"]["exam"] is True
    version = site.world.catalog.scenarios[SCENARIO].version
    assert record.scenario_version == version + 1  # the jury's upload, newer than the live version (as /try)
    assert site.sync.session(site.trial_session).status == "abandoned"  # the trial left open, as /try does
    page = client.get(url)
    assert page.status_code == 200 and "non publié" in page.text and 'id="say-form"' in page.text
    opening = record.turns[0].text
    assert escape(opening) in page.text

    lines = [
        "Bonjour, quels volumes prévoyez-vous pour la saison ?",
        "Si vous vous engagez sur 3 ans, je peux revoir le prix de 4 %.",
    ]
    for i, line in enumerate(lines):
        part = client.post(f"{url}/say", data={"text": line, "csrf": CSRF}, headers={"HX-Request": "true"})
        assert part.status_code == 200 and "<html" not in part.text  # an htmx fragment
        turns = site.sync.session(number).turns
        assert [t.speaker for t in turns] == ["persona"] + ["candidate", "persona"] * (i + 1)
        assert turns[-1].text and escape(turns[-1].text) in part.text  # the persona answered
        assert escape(line) in part.text
    assert client.post(f"{url}/say", data={"text": "   ", "csrf": CSRF}).status_code == 400

    ended = client.post(f"{url}/end", data={"csrf": CSRF})
    assert ended.status_code == 303 and ended.headers["location"] == url
    done = client.get(url)
    assert 'id="trial-scorecard"' in done.text and "/20" in done.text and 'id="say-form"' not in done.text
    assert site.sync.session(number).status == "finished" and site.sync.latest_scorecard(number) is not None
    listed = asyncio.run(transcripts.script_sessions(site.world.repo, site.world.me("jury"), SCENARIO))
    assert number not in [summary.id for summary, _ in listed.sessions]
    assert site.audio_session in [summary.id for summary, _ in listed.sessions]
    editor = client.get(f"/scripts/{SCENARIO}")
    assert f'/sessions/{number}"' not in editor.text and f'/sessions/{site.audio_session}"' in editor.text
    again = client.post(f"{url}/say", data={"text": "Encore ?", "csrf": CSRF})
    assert again.status_code == 400  # the trial is over

    # another jury member's (or the admin's) eyes: not their trial
    assert site.as_("admin").get(url).status_code == 404
    assert site.as_("admin").post(f"{url}/end", data={"csrf": CSRF}).status_code == 404
    # a trial under another script's address is not found
    assert site.as_("jury").get(f"/scripts/other-script/try/{number}").status_code == 404


def test_a_line_after_the_exam_time_limit_ends_the_trial(site: Site) -> None:
    client = site.as_("jury")
    url, number = _trial_location(client.post(f"/scripts/{SCENARIO}/try", data={"csrf": CSRF}))
    record = site.sync.session(number)
    site.sync.set_session_state(
        number, {"telegram": {**record.state["telegram"], "deadline": "2000-01-01T00:00:00+00:00"}}
    )
    late = client.post(f"{url}/say", data={"text": "Bonjour", "csrf": CSRF}, headers={"HX-Request": "true"})
    assert late.status_code == 200 and ("Temps écoulé" in late.text or "Time is up" in late.text)
    assert 'id="trial-scorecard"' in late.text
    assert [t.speaker for t in site.sync.session(number).turns] == ["persona"]  # the late line not taken
    assert site.sync.session(number).status == "finished"


NAME = "Zéphyrine Quillembert"


def test_a_script_s_session_is_anonymised_for_the_jury_and_named_for_its_trainer(site: Site) -> None:
    sync, world = site.sync, site.world
    someone = sync.get_or_create_user(telegram_id=77, display_name=NAME, language="fr")
    sync.add_member(world.cohort_id, someone)
    session = sync.start_session(someone, world.catalog.scenarios[SCENARIO], "fr")  # type: ignore[arg-type]
    sync.add_turn(session, Turn(speaker="persona", text="Bonjour, asseyez-vous."))
    sync.add_turn(
        session,
        Turn(
            speaker="candidate",
            text="Bonjour, je m'appelle Zéphyrine Quillembert ; écrivez-moi "
            "à zephyrine.quillembert@exemple.fr ou au 06 12 34 56 78. Quels volumes prévoyez-vous ?",
        ),
    )
    sync.add_turn(session, Turn(speaker="persona", text="Eh bien, madame Quillembert, 12 000 unités."))
    sync.finish_session(session)
    url = f"/scripts/{SCENARIO}/sessions/{session}"

    editor = site.as_("jury").get(f"/scripts/{SCENARIO}")
    assert f'href="{url}"' in editor.text
    for who in ("jury",):
        page = site.as_(who).get(url)
        assert page.status_code == 200
        text = page.text.casefold()
        for part in ("zéphyrine", "zephyrine", "quillembert", "06 12 34", "exemple.fr"):
            assert part not in text, f"{part!r} shown to {who}"
        assert "quels volumes prévoyez-vous" in text and "12 000 unités" in text and "candidat·e" in text
    named = site.as_("trainer").get(url)
    assert named.status_code == 200 and NAME in named.text and "06 12 34 56 78" in named.text
    assert site.as_("other_trainer").get(url).status_code == 404
    assert (
        site.as_("jury").get(f"/scripts/other-script/sessions/{session}").status_code == 404
    )  # not this script's
    assert site.as_("jury").get(f"/scripts/{SCENARIO}/sessions/999999").status_code == 404
