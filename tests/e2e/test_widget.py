"""The embeddable widget in a real Chromium, on a customer page served from another origin."""
import time

from playwright.sync_api import expect

from tests.e2e.pages import Agent, send, widget_frame


def test_visitor_chats_with_an_agent_from_a_foreign_origin(new_page, live_server, host_site, shop):
    project, manager = shop
    agent = Agent(live_server, project, manager)
    page = new_page()
    page.goto(host_site.page(live_server, project["public_key"]))

    # The loader creates the (hidden) frame once the launcher is drawn and the browser is idle.
    frame = widget_frame(page)
    # A visitor using the keyboard only: Tab to the launcher, Enter opens the chat.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    send(frame, "Hello, is my order shipped?")

    conversation_id, texts = agent.wait_for_visitor_messages(1)
    assert texts == ["Hello, is my order shipped?"]
    agent.reply(conversation_id, "Yes, it left this morning.")
    expect(frame.get_by_text("Yes, it left this morning.")).to_be_visible()
    expect(frame.get_by_text("Hello, is my order shipped?")).to_be_visible()


def test_calls_made_before_the_widget_is_ready_take_effect(new_page, live_server, host_site, shop, api):
    project, manager = shop
    script = "LiveChat.setLocale('es'); LiveChat.setAttributes({plan: 'pro'}); LiveChat.open();"
    page = new_page()
    page.goto(host_site.page(live_server, project["public_key"], script=script, loader_async=False))
    frame = widget_frame(page)
    # setLocale('es') and open() were queued before the frame existed.
    expect(frame.get_by_role("textbox", name="Mensaje")).to_be_visible()
    send(frame, "Hola", label="Mensaje")
    agent = Agent(live_server, project, manager)
    agent.wait_for_visitor_messages(1)
    visitors = api.get(f"/projects/{project['id']}/visitors", token=manager["access_token"]).json["items"]
    assert visitors[0]["attributes"].get("plan") == "pro"


def test_messages_written_offline_arrive_once_in_order(new_page, live_server, host_site, shop):
    project, manager = shop
    agent = Agent(live_server, project, manager)
    page = new_page()
    page.goto(host_site.page(live_server, project["public_key"]))
    page.evaluate("LiveChat.open()")
    frame = widget_frame(page)
    send(frame, "first, while online")
    agent.wait_for_visitor_messages(1)

    page.context.set_offline(True)
    send(frame, "second, offline")
    send(frame, "third, offline")
    page.wait_for_timeout(500)
    page.context.set_offline(False)

    _, texts = agent.wait_for_visitor_messages(3)
    page.wait_for_timeout(1500)  # give any duplicate a chance to arrive before counting
    _, texts = agent.wait_for_visitor_messages(3)
    assert texts == ["first, while online", "second, offline", "third, offline"]


def test_a_page_whose_origin_is_not_allowed_gets_no_widget(new_page, live_server, host_site, make_project):
    project, _ = make_project(name="Elsewhere", allowed_origins=["https://only-this-site.test"])
    page = new_page()
    warnings: list[str] = []
    page.on("console", lambda message: warnings.append(message.text))
    page.goto(host_site.page(live_server, project["public_key"]))
    page.wait_for_function("() => window.LiveChat !== undefined")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not any("not allowed" in text for text in warnings):
        page.wait_for_timeout(100)
    assert any("LiveChat" in text and "not allowed" in text for text in warnings), warnings
    page.evaluate("LiveChat.open()")
    page.wait_for_timeout(500)
    assert not any("/widget/frame" in frame.url for frame in page.frames)


def test_html_from_an_agent_is_shown_as_text(new_page, live_server, host_site, shop):
    project, manager = shop
    agent = Agent(live_server, project, manager)
    page = new_page()
    page.goto(host_site.page(live_server, project["public_key"]))
    page.evaluate("LiveChat.open()")
    frame = widget_frame(page)
    send(frame, "hi")
    conversation_id, _ = agent.wait_for_visitor_messages(1)
    payload = '<img src=x onerror="window.__xss=1"><b>bold</b><script>window.__xss=2</script>'
    agent.reply(conversation_id, payload)
    expect(frame.get_by_text(payload)).to_be_visible()
    assert frame.evaluate("() => window.__xss") is None
    assert page.evaluate("() => window.__xss") is None
    assert frame.locator("img[src='x']").count() == 0


def test_typing_goes_to_the_chat_when_it_opens_before_the_frame_has_loaded(new_page, live_server, host_site, shop):
    project, manager = shop
    page = new_page()
    held = []
    page.route("**/widget/frame?*", lambda route: held.append(route))
    page.goto(host_site.page(live_server, project["public_key"]))
    while not held:
        page.wait_for_timeout(50)

    # A quick visitor: the launcher is opened from the keyboard while the chat is still loading.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    held[0].continue_()
    box = widget_frame(page).get_by_role("textbox", name="Message")
    expect(box).to_be_focused()
    page.keyboard.type("Typed at once")
    expect(box).to_have_value("Typed at once")
    page.keyboard.press("Enter")

    _, texts = Agent(live_server, project, manager).wait_for_visitor_messages(1)
    assert texts == ["Typed at once"]
