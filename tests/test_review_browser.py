"""The review page in a real browser: headless Chromium (Debian's), driven by Selenium.

Filters hide and show items, a decision made by clicking round-trips through the
downloaded JSON and `extractor review --apply`, and hostile PDF text shows as text and
runs nothing, and bidirectional controls from a PDF show as marks and reorder nothing.
CI installs Chromium (.ci/run); elsewhere the tests skip, saying how.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from extractor.cli import cli
from extractor.model import Claim, Extraction
from extractor.review_html import BIDI_CONTROLS
from extractor.schema import validation_error
from tests.reviewdata import (
    GAO,
    build_bidi_pdf,
    build_hostile_pdf,
    claim_on,
    real_extraction,
    with_items,
    write_extraction,
)

INSTALL_HINT = (
    "the review-page browser test needs Debian's Chromium and its driver: "
    "apt-get install -y chromium chromium-driver (.ci/run installs them in CI)"
)
CHROMIUM_ARGS = (
    "--headless=new",
    "--no-sandbox",  # Chromium refuses to run as root without it
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1200,900",
)
WAIT_SECONDS = 15


def _system_chromium() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, downloads: Path) -> Iterator[Any]:
    """Headless Chromium with a fresh profile, downloading into `downloads`."""
    paths = _system_chromium()
    if paths is None:
        pytest.skip(INSTALL_HINT)
    webdriver = pytest.importorskip(
        "selenium.webdriver", reason="selenium is missing: pip install -e '.[dev]'"
    )
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = paths[0]
    for arg in CHROMIUM_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(options=options, service=Service(executable_path=paths[1]))
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def gao() -> Extraction:
    from extractor.find import load_pages

    return with_items(real_extraction(GAO), load_pages(GAO))


def open_page(browser: Any, extraction: Extraction, folder: Path, pdf: Path = GAO) -> Path:
    """Write the extraction and its review page into `folder`, load the page, return it."""
    path = write_extraction(extraction, folder / "out.json", pdf)
    html = folder / "review.html"
    result = CliRunner().invoke(cli, ["review", str(path), "-o", str(html)])
    assert result.exit_code == 0, result.output
    browser.get(html.as_uri())
    wait_for(lambda: browser.execute_script("return document.body.dataset.ready") == "true")
    return html


def review_a_claim(
    browser: Any, nlp: Any, pdf: Path, needle: str, folder: Path
) -> tuple[Claim, Path]:
    """Extract `pdf`, add a claim quoting from `needle` to its line's end, and open the
    review page: the claim and the page's file."""
    from extractor.extract import extract

    extraction = claim_on(extract(pdf, nlp=nlp), pdf, needle)
    claim = extraction.claims[-1]  # the one claim_on added (the extraction may hold its own)
    assert claim.quote.startswith(needle)
    return claim, open_page(browser, extraction, folder, pdf)


def wait_for(condition: Any, seconds: float = WAIT_SECONDS) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the page")


def visible_ids(browser: Any) -> list[str]:
    return [
        a.get_attribute("data-id")
        for a in browser.find_elements("css selector", "article.item")
        if a.is_displayed()
    ]


def test_filters_by_type_page_and_decision(browser: Any, gao: Extraction, tmp_path: Path) -> None:
    from selenium.webdriver.support.select import Select

    open_page(browser, gao, tmp_path)
    every = sorted(i.id for i in gao.items())
    assert sorted(visible_ids(browser)) == every
    assert browser.find_element("id", "shown-count").text == str(len(every))

    browser.find_element("css selector", "input[name=type][value=claim]").click()
    assert sorted(visible_ids(browser)) == sorted(
        i.id for i in gao.items() if i.id not in {c.id for c in gao.claims}
    )
    browser.find_element("css selector", "input[name=type][value=claim]").click()

    page = gao.cost_figures[0].page
    Select(browser.find_element("css selector", "select[name=page]")).select_by_value(
        str(page.index)
    )
    assert sorted(visible_ids(browser)) == sorted(i.id for i in gao.items() if i.page == page)
    sections = [
        s for s in browser.find_elements("css selector", "section.page") if s.is_displayed()
    ]
    assert [s.get_attribute("data-page") for s in sections] == [str(page.index)]
    assert browser.find_element("id", "shown-count").text == str(len(visible_ids(browser)))
    Select(browser.find_element("css selector", "select[name=page]")).select_by_value("")

    first = gao.claims[0].id
    browser.find_element(
        "css selector", f'article[data-id="{first}"] input[value=accepted]'
    ).click()
    Select(browser.find_element("css selector", "select[name=status]")).select_by_value("accepted")
    assert visible_ids(browser) == [first]
    Select(browser.find_element("css selector", "select[name=status]")).select_by_value("pending")
    assert first not in visible_ids(browser) and len(visible_ids(browser)) == len(every) - 1


def test_a_decision_round_trips_through_apply(
    browser: Any, gao: Extraction, tmp_path: Path, downloads: Path
) -> None:
    open_page(browser, gao, tmp_path)
    path = tmp_path / "out.json"
    browser.execute_script("window.localStorage.clear()")
    browser.refresh()
    wait_for(lambda: browser.execute_script("return document.body.dataset.ready") == "true")
    accepted, rejected = gao.examples[1], gao.cost_figures[2]
    browser.find_element(
        "css selector", f'article[data-id="{accepted.id}"] input[value=accepted]'
    ).click()
    rejected_card = browser.find_element("css selector", f'article[data-id="{rejected.id}"]')
    rejected_card.find_element("css selector", "input[value=rejected]").click()
    rejected_card.find_element("css selector", "textarea").send_keys('Not a cost: "a total" <b>')
    browser.find_element("id", "reviewer").send_keys("Test Reviewer")
    for old in downloads.glob("*"):
        old.unlink()
    browser.find_element("id", "download").click()
    target = downloads / f"{GAO.stem}.decisions.json"
    wait_for(lambda: target.exists() and target.stat().st_size > 0)
    decisions = json.loads(target.read_text(encoding="utf-8"))
    assert validation_error(decisions, "review.schema.json") is None
    assert decisions["reviewer"] == "Test Reviewer"
    assert sorted(decisions["decisions"], key=lambda d: d["id"]) == sorted(
        [
            {"id": accepted.id, "status": "accepted", "comment": None},
            {"id": rejected.id, "status": "rejected", "comment": 'Not a cost: "a total" <b>'},
        ],
        key=lambda d: d["id"],
    )

    out = tmp_path / "reviewed.json"
    result = CliRunner().invoke(cli, ["review", "--apply", str(target), str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    reviewed = Extraction.from_dict(json.loads(out.read_text(encoding="utf-8")))
    assert validation_error(reviewed.to_dict()) is None
    reviews = {i.id: i.review for i in reviewed.items() if i.review is not None}
    assert {k: (v.status, v.comment) for k, v in reviews.items()} == {
        accepted.id: ("accepted", None),
        rejected.id: ("rejected", 'Not a cost: "a total" <b>'),
    }

    # The reviewed extraction's page starts from those decisions.
    again = tmp_path / "again"
    again.mkdir()
    open_page(browser, reviewed, again)
    browser.execute_script("window.localStorage.clear()")
    browser.refresh()
    wait_for(lambda: browser.execute_script("return document.body.dataset.ready") == "true")
    card = browser.find_element("css selector", f'article[data-id="{rejected.id}"]')
    assert card.find_element("css selector", "input[value=rejected]").is_selected()
    assert (
        card.find_element("css selector", "textarea").get_attribute("value")
        == 'Not a cost: "a total" <b>'
    )


def test_hostile_pdf_text_shows_as_text_and_runs_nothing(
    browser: Any, tmp_path: Path, nlp: Any
) -> None:
    from selenium.common.exceptions import NoAlertPresentException

    pdf = build_hostile_pdf(tmp_path / "hostile.pdf")
    claim, html = review_a_claim(browser, nlp, pdf, "Councils <script>", tmp_path)
    assert claim.page.label == "9"
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    assert browser.find_elements("css selector", "main script, main img, main svg") == []
    card = browser.find_element("css selector", f'article[data-id="{claim.id}"]')
    assert card.find_element("css selector", "blockquote.quote").text == claim.quote
    assert "<script>window.pwned = 1" in card.find_element("css selector", "mark").text
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    assert "&lt;script&gt;" in html.read_text(encoding="utf-8")


# The characters of `word` in the order the browser draws them, left to right, found in the
# first text node of `element` that holds the word.
DRAWN_ORDER_SCRIPT = """
var element = arguments[0], word = arguments[1];
var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
for (var node = walker.nextNode(); node; node = walker.nextNode()) {
  var at = node.data.indexOf(word);
  if (at === -1) { continue; }
  var drawn = [];
  for (var i = 0; i < word.length; i++) {
    var range = document.createRange();
    range.setStart(node, at + i);
    range.setEnd(node, at + i + 1);
    drawn.push([range.getBoundingClientRect().left, word[i]]);
  }
  drawn.sort(function (a, b) { return a[0] - b[0]; });
  return drawn.map(function (pair) { return pair[1]; }).join("");
}
return null;
"""


def drawn_order(browser: Any, element: Any, word: str) -> str:
    return str(browser.execute_script(DRAWN_ORDER_SCRIPT, element, word))


def test_bidi_controls_from_a_pdf_show_as_marks_and_reorder_nothing(
    browser: Any, tmp_path: Path, nlp: Any
) -> None:
    pdf = build_bidi_pdf(tmp_path / "bidi.pdf")
    claim, html = review_a_claim(browser, nlp, pdf, "Councils say", tmp_path)
    assert "\u202egnp.exe\u202c" in claim.quote  # the JSON keeps what the PDF says
    assert not [char for char in BIDI_CONTROLS if char in html.read_text(encoding="utf-8")]

    card = browser.find_element("css selector", f'article[data-id="{claim.id}"]')
    quote = card.find_element("css selector", "blockquote.quote")
    assert quote.text == claim.quote.replace("\u202e", "[RLO]").replace("\u202c", "[PDF]")
    marks = quote.find_elements("css selector", ".bidi")
    assert [(m.text, m.get_attribute("title")) for m in marks] == [
        ("[RLO]", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("[PDF]", "U+202C POP DIRECTIONAL FORMATTING"),
    ]
    assert drawn_order(browser, quote, "gnp.exe") == "gnp.exe"
    assert drawn_order(browser, card.find_element("css selector", "mark"), "gnp.exe") == "gnp.exe"

    # The same characters raw are reordered by this browser: the check above can tell.
    raw = browser.execute_script(
        "var d = document.createElement('div');"
        "d.textContent = 'open the attached file \\u202egnp.exe\\u202c today';"
        "document.querySelector('main').appendChild(d); return d;"
    )
    assert drawn_order(browser, raw, "gnp.exe") == "exe.png"


def click(browser: Any, element: Any) -> None:
    """Click an element once it is scrolled to the middle (clear of the sticky header)."""
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def selected_id(browser: Any) -> str | None:
    value = browser.execute_script("return document.body.dataset.selected || null")
    return str(value) if value else None


def press(browser: Any, keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    for key in keys:
        ActionChains(browser).send_keys(key).perform()


def fresh_page(browser: Any, extraction: Extraction, folder: Path) -> Path:
    html = open_page(browser, extraction, folder)
    browser.execute_script("window.localStorage.clear()")
    browser.refresh()
    wait_for(lambda: browser.execute_script("return document.body.dataset.ready") == "true")
    return html


def in_order(extraction: Extraction) -> list[str]:
    items = sorted(extraction.items(), key=lambda i: (i.page.index, i.char_span.start, i.id))
    return [i.id for i in items]


def test_keyboard_and_boxes_select_items_and_boxes_sit_on_the_text(
    browser: Any, gao: Extraction, tmp_path: Path
) -> None:
    fresh_page(browser, gao, tmp_path)
    order = in_order(gao)
    press(browser, "j")
    assert selected_id(browser) == order[0]
    press(browser, "jj")
    assert selected_id(browser) == order[2]
    press(browser, "k")
    assert selected_id(browser) == order[1]

    # Click an item: its page picture shows, with its box where the PDF has its text.
    pages = {page.index: page for page in gao.pages}
    by_page: dict[int, list[Any]] = {}
    for item in gao.items():
        if item.boxes:
            by_page.setdefault(item.page.index, []).append(item)
    index, (first, second, *_) = next((i, v) for i, v in sorted(by_page.items()) if len(v) > 1)
    click(browser, browser.find_element("css selector", f'article[data-id="{first.id}"] h3'))
    assert selected_id(browser) == first.id
    view = browser.find_element("css selector", f'figure.page-view[data-page="{index}"]')
    assert view.is_displayed()
    svg = view.find_element("css selector", "svg").rect
    scale = svg["width"] / pages[index].width
    rect = view.find_element("css selector", f'rect.box[data-id="{first.id}"]')
    assert "selected" in rect.get_attribute("class")
    box = first.boxes[0]
    drawn = rect.rect
    assert drawn["x"] == pytest.approx(svg["x"] + box.x0 * scale, abs=1.5)
    assert drawn["y"] == pytest.approx(svg["y"] + box.top * scale, abs=1.5)
    assert drawn["width"] == pytest.approx((box.x1 - box.x0) * scale, abs=1.5)
    assert drawn["height"] == pytest.approx((box.bottom - box.top) * scale, abs=1.5)
    assert (
        view.find_element("css selector", "image")
        .get_attribute("href")
        .startswith("data:image/jpeg;base64,")
    )

    # Click another box: its item is selected, and only its box is emphasised.
    view.find_element("css selector", f'rect.box[data-id="{second.id}"]').click()
    assert selected_id(browser) == second.id
    card = browser.find_element("css selector", f'article[data-id="{second.id}"]')
    assert "selected" in card.get_attribute("class")
    emphasised = browser.find_elements("css selector", "rect.box.selected")
    assert {r.get_attribute("data-id") for r in emphasised} == {second.id}


def test_search_and_the_new_filters(browser: Any, gao: Extraction, tmp_path: Path) -> None:
    from selenium.webdriver.support.select import Select

    fresh_page(browser, gao, tmp_path)
    every = sorted(i.id for i in gao.items())
    claim = gao.claims[0]
    Select(browser.find_element("css selector", "select[name=kind]")).select_by_value(claim.kind)
    assert sorted(visible_ids(browser)) == sorted(c.id for c in gao.claims if c.kind == claim.kind)
    Select(browser.find_element("css selector", "select[name=kind]")).select_by_value("")
    Select(browser.find_element("css selector", "select[name=hedged]")).select_by_value("yes")
    assert sorted(visible_ids(browser)) == sorted(c.id for c in gao.claims if c.hedged)
    Select(browser.find_element("css selector", "select[name=hedged]")).select_by_value("")
    Select(browser.find_element("css selector", "select[name=currency]")).select_by_value("USD")
    assert sorted(visible_ids(browser)) == sorted(
        c.id for c in gao.cost_figures if c.currency == "USD"
    )
    Select(browser.find_element("css selector", "select[name=currency]")).select_by_value("")
    assert sorted(visible_ids(browser)) == every

    # Search: a word of one quote finds that item, and not every item.
    word = max(claim.quote.split(), key=len).strip(".,;:()")
    search = browser.find_element("css selector", "input[name=q]")
    search.send_keys(word)
    shown = visible_ids(browser)
    assert claim.id in shown and len(shown) < len(every)
    pages = {p.index: (p.text or "").lower() for p in gao.pages}
    for item in gao.items():
        if item.id in shown:
            continue
        assert word.lower() not in pages[item.page.index]
    search.clear()
    search.send_keys(" ")
    wait_for(lambda: sorted(visible_ids(browser)) == every)

    # A bar of the chart shows that page's cost figures in that currency.
    bar = browser.find_element("css selector", "rect.bar")
    page, currency = bar.get_attribute("data-page"), bar.get_attribute("data-currency")
    click(browser, bar)
    assert sorted(visible_ids(browser)) == sorted(
        c.id for c in gao.cost_figures if str(c.page.index) == page and c.currency == currency
    )


def test_keyboard_decisions_round_trip_through_apply(
    browser: Any, gao: Extraction, tmp_path: Path, downloads: Path
) -> None:
    fresh_page(browser, gao, tmp_path)
    order = in_order(gao)
    press(browser, "ja")  # accept the first
    press(browser, "jr")  # reject the second
    press(browser, "jau")  # accept the third, then change it back to undecided
    for old in downloads.glob("*"):
        old.unlink()
    browser.find_element("id", "download").click()
    target = downloads / f"{GAO.stem}.decisions.json"
    wait_for(lambda: target.exists() and target.stat().st_size > 0)
    out = tmp_path / "reviewed.json"
    result = CliRunner().invoke(
        cli, ["review", "--apply", str(target), str(tmp_path / "out.json"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    reviewed = Extraction.from_dict(json.loads(out.read_text(encoding="utf-8")))
    reviews = {i.id: i.review.status for i in reviewed.items() if i.review is not None}
    assert reviews == {order[0]: "accepted", order[1]: "rejected"}


def test_screenshot_of_a_corpus_reports_review_page_shows_page_and_boxes(
    browser: Any, gao: Extraction, tmp_path: Path
) -> None:
    """The GAO sample is a corpus PDF: its page picture and boxes are really drawn."""
    from io import BytesIO

    from PIL import Image, ImageStat

    html = fresh_page(browser, gao, tmp_path)
    press(browser, "j")
    view = wait_for(
        lambda: next(
            (
                v
                for v in browser.find_elements("css selector", "figure.page-view")
                if v.is_displayed()
            ),
            None,
        )
    )
    wait_for(
        lambda: browser.execute_script(
            "var i = arguments[0].querySelector('image');"
            "return i.getAttribute('href') && i.getBBox().width > 0;",
            view,
        )
    )
    time.sleep(0.3)  # let the JPEG decode and paint
    shot = view.screenshot_as_png
    (tmp_path / "review-page.png").write_bytes(shot)
    image = Image.open(BytesIO(shot)).convert("RGB")
    stat = ImageStat.Stat(image.convert("L"))
    assert stat.stddev[0] > 20  # a page with text on it, not a blank square
    raw = image.tobytes()
    red = sum(
        1 for k in range(0, len(raw), 3) if raw[k] > 180 and raw[k + 1] < 90 and raw[k + 2] < 90
    )
    assert red > 50  # the selected item's box is drawn
    assert len(html.read_bytes()) > 0
