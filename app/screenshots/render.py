"""Render one page to PNG in Chromium, every request fetched through the SSRF-safe session.

Run as `python -m app.screenshots.render` by the screenshot job: a separate
process keeps Playwright's event loop away from the gevent-patched web process
and lets the job kill a stuck browser. Prints one JSON line:
`{"ok": bool, "error": str|null, "blocked": [{url, reason}], "bytes": int}`.

The browser itself never touches the network: every request is fulfilled from
a fetch made by `app.core.outbound` (resolve once, check every address,
connect to the checked address, redirects checked hop by hop) or aborted;
WebSockets are answered by a stub; and Chromium's own resolver and proxy point
nowhere, so a request that escaped interception could not go anywhere either.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time

import requests

from app.core import outbound

MAX_RESOURCE_BYTES = 10 * 1024 * 1024
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
    "--disable-background-networking",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
]
_HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-encoding", "content-length", "host",
                "proxy-authenticate", "proxy-authorization", "te", "trailer", "upgrade"}


def _fetch(http: requests.Session, request, deadline: float) -> tuple[int, dict, bytes]:
    headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS and not k.startswith(":")}
    timeout = max(0.5, deadline - time.monotonic())
    with http.request(request.method, request.url, headers=headers, data=request.post_data_buffer,
                      timeout=timeout, stream=True, allow_redirects=True) as response:
        body = response.raw.read(MAX_RESOURCE_BYTES + 1, decode_content=True) or b""
        if len(body) > MAX_RESOURCE_BYTES:
            raise outbound.OutboundRefused("too_large", "The resource is larger than 10 MB.")
        out_headers = {k: v for k, v in response.headers.items() if k.lower() not in _HOP_HEADERS}
        return response.status_code, out_headers, body


def render(url: str, out_path: str, browser_path: str, timeout: float, max_bytes: int, policy: outbound.Policy) -> dict:
    """Render `url` into `out_path`; the result dict as printed by main()."""
    blocked: list[dict] = []
    if not browser_path or not os.path.exists(browser_path):
        return {"ok": False, "error": f"No browser at {browser_path!r}: install Chromium or set SCREENSHOT_BROWSER.",
                "blocked": blocked, "bytes": 0}
    try:
        outbound.check_url(url, policy)
    except outbound.OutboundRefused as refused:
        return {"ok": False, "error": f"The page was refused: {refused.message}", "blocked": [
            {"url": url[:2048], "reason": refused.reason}], "bytes": 0}
    from playwright.sync_api import Error as PlaywrightError  # heavy: imported only when a page is rendered
    from playwright.sync_api import sync_playwright  # heavy: imported only when a page is rendered

    deadline = time.monotonic() + timeout
    http = outbound.session(policy)

    def handle(route) -> None:
        request = route.request
        if request.url.startswith(("data:", "blob:")):
            route.continue_()
            return
        try:
            status, headers, body = _fetch(http, request, deadline)
        except outbound.OutboundRefused as refused:
            blocked.append({"url": request.url[:2048], "reason": refused.reason})
            route.abort("blockedbyclient")
            return
        except requests.RequestException:
            route.abort("failed")
            return
        route.fulfill(status=status, headers=headers, body=body)

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=browser_path, headless=True, args=CHROMIUM_ARGS)
            try:
                context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block",
                                              java_script_enabled=True)
                page = context.new_page()
                page.route("**/*", handle)
                page.route_web_socket(re.compile(".*"), lambda ws: None)  # a stub: never connects anywhere
                try:
                    page.goto(url, timeout=timeout * 1000, wait_until="load")
                except PlaywrightError as error:
                    if any(b["url"] == url for b in blocked):
                        return {"ok": False, "error": "The page was refused by the outbound check.",
                                "blocked": blocked, "bytes": 0}
                    if "Timeout" not in str(error):
                        return {"ok": False, "error": f"The page did not load: {str(error).splitlines()[0][:300]}",
                                "blocked": blocked, "bytes": 0}
                    # Past the time cap: photograph whatever has rendered so far.
                png = page.screenshot(type="png", timeout=5000)
            finally:
                browser.close()
    except PlaywrightError as error:
        return {"ok": False, "error": f"The browser failed: {str(error).splitlines()[0][:300]}", "blocked": blocked,
                "bytes": 0}
    if len(png) > max_bytes:
        return {"ok": False, "error": f"The screenshot is larger than {max_bytes} bytes.", "blocked": blocked,
                "bytes": len(png)}
    with open(out_path, "wb") as out:
        out.write(png)
    return {"ok": True, "error": None, "blocked": blocked, "bytes": len(png)}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: prints the result as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--browser", required=True)
    parser.add_argument("--timeout", type=float, default=15)
    parser.add_argument("--max-bytes", type=int, default=5 * 1024 * 1024)
    parser.add_argument("--allow", action="append", default=[])
    args = parser.parse_args(argv)
    policy = outbound.Policy.from_allowlist(args.allow, https_only=False)
    result = render(args.url, args.out, args.browser, args.timeout, args.max_bytes, policy)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
