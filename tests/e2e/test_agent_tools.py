"""Agent tools in the dashboard: the / picker for canned responses, live visitor notes, the screenshot button."""
from playwright.sync_api import expect


def _open_conversation(page, live_server, project, conversation_id):
    page.goto(f"{live_server}/projects/{project['id']}/conversations/{conversation_id}")
    expect(page.get_by_role("list", name="Messages")).to_be_visible()


def test_the_slash_picker_inserts_a_canned_response_with_the_visitors_name(
    new_page, sign_in, live_server, api, make_widget_project, make_visitor, make_conversation
):
    project, manager = make_widget_project(name="Picker Co")
    for shortcut, title, content in (("hello", "Greeting", "Hi {{visitor.name}}, {{agent.name}} here. How can I help?"),
                                     ("refund", "Refund policy", "Refunds take 5 days.")):
        created = api.post(
            f"/projects/{project['id']}/canned-responses",
            json={"shortcut": shortcut, "title": title, "content": content},
            token=manager["access_token"],
        )
        assert created.status_code == 201, created.json
    visitor = make_visitor(project, name="Ana")
    conversation_id, _ = make_conversation(project, content="Hola", visitor=visitor)

    page = sign_in(new_page(), manager)
    _open_conversation(page, live_server, project, conversation_id)
    reply = page.get_by_role("textbox", name="Reply")
    reply.click()
    reply.press_sequentially("/")
    picker = page.get_by_role("listbox", name="Canned responses")
    expect(picker.get_by_role("option")).to_have_count(2)
    reply.press("Escape")
    expect(picker).to_be_hidden()
    reply.fill("")
    reply.press_sequentially("/he")
    expect(picker.get_by_role("option")).to_have_count(1)
    expect(picker.get_by_role("option").first).to_contain_text("/hello")
    reply.press("Enter")
    expect(reply).to_have_value("Hi Ana, Manager here. How can I help?")
    expect(picker).to_be_hidden()
    # arrows move the choice
    reply.fill("")
    reply.press_sequentially("/")
    reply.press("ArrowDown")
    reply.press("Enter")
    expect(reply).to_have_value("Refunds take 5 days.")


def test_a_note_added_by_one_agent_appears_live_for_another(
    new_page, sign_in, live_server, make_widget_project, add_member, make_user, make_visitor, make_conversation
):
    project, manager = make_widget_project(name="Notes Co")
    agent = add_member(project, manager, "AGENT", user=make_user(name="Nora Notes"))
    visitor = make_visitor(project, name="Ben")
    conversation_id, _ = make_conversation(project, content="Hi", visitor=visitor)

    watcher = sign_in(new_page(), manager)
    _open_conversation(watcher, live_server, project, conversation_id)
    watcher_notes = watcher.get_by_role("region", name="Notes")
    expect(watcher_notes.get_by_text("No notes yet.")).to_be_visible()

    writer = sign_in(new_page(), agent)
    _open_conversation(writer, live_server, project, conversation_id)
    notes = writer.get_by_role("region", name="Notes")
    notes.get_by_role("textbox", name="Add note").fill("Ben is a wholesale customer")
    notes.get_by_role("button", name="Add note").click()
    expect(notes.get_by_text("Ben is a wholesale customer")).to_be_visible()

    expect(watcher_notes.get_by_text("Ben is a wholesale customer")).to_be_visible()
    # the manager may delete anyone's note, but only the author edits it
    expect(watcher_notes.get_by_role("button", name="Edit")).to_have_count(0)
    watcher.once("dialog", lambda dialog: dialog.accept())
    watcher_notes.get_by_role("button", name="Delete").click()
    expect(notes.get_by_text("Ben is a wholesale customer")).to_be_hidden()


def test_the_screenshot_button_shows_the_visitors_page(
    new_page, sign_in, live_server, make_widget_project, make_visitor, make_conversation
):
    from tests.screenshots.test_screenshots import Site

    site = Site()
    try:
        project, manager = make_widget_project(name="Shot Co")
        visitor = make_visitor(project, name="Cy", page={"url": site.url, "title": "Pricing"})
        conversation_id, _ = make_conversation(project, content="Look at this page", visitor=visitor)
        page = sign_in(new_page(), manager)
        _open_conversation(page, live_server, project, conversation_id)
        page.get_by_role("button", name="Screenshot").click()
        image = page.get_by_role("img", name=f"Screenshot of {site.url}")
        expect(image).to_be_visible(timeout=60_000)
        page.wait_for_function(
            "() => [...document.images].some(i => i.alt.startsWith('Screenshot of') && i.naturalWidth > 0)"
        )
    finally:
        site.close()
