"""Cross-site request forgery: a page form is obeyed only when it was sent from the service's own pages.

The service usually runs on the reviewer's own machine without a token, so any web page the
reviewer opens could otherwise post a form to it. A form post is accepted when

1. `Sec-Fetch-Site` (sent by every current browser) says `same-origin` (or `none`: typed by the
   user); `same-site` is refused too, since another port of localhost is the same site; else
2. `Origin` is this service's own origin (`Host`, or `X-Forwarded-Host` behind a proxy); `null` is refused; else
3. neither header came (an old browser, curl): the form's hidden `csrf` field must match the
   token the page derived from its `pmreview_form` cookie (SameSite=Strict: another site's form
   post does not carry it) and the form's action, so that a token for one form works only for it.

The token is an HMAC keyed by the cookie, so every worker and replica checks it without a
shared secret; a page without the cookie sets it when it renders a form.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import unquote, urlsplit

from fastapi import Request, Response

COOKIE = "pmreview_form"
FIELD = "csrf"
_ALLOWED_FETCH_SITES = {"same-origin", "none"}


def form_cookie(request: Request) -> tuple[str, bool]:
    """The browser's form cookie, or a new one (True: it must be set on the response)."""
    value = request.cookies.get(COOKIE, "")
    if len(value) == 43 and value.replace("-", "").replace("_", "").isalnum():
        return value, False
    return secrets.token_urlsafe(32), True


def form_token(cookie: str, path: str) -> str:
    """The token of a form posting to `path` (decoded, as the server sees it in the request)."""
    return hmac.new(cookie.encode(), path.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def token_for_action(cookie: str, action: str) -> str:
    """The hidden field of a form whose action attribute is `action` (a URL as written in the page)."""
    return form_token(cookie, unquote(urlsplit(action).path))


def set_form_cookie(response: Response, cookie: str) -> None:
    response.set_cookie(COOKIE, cookie, httponly=True, samesite="strict", path="/", max_age=60 * 60 * 24 * 30)


def cross_site_reason(request: Request, submitted_token: str | None) -> str | None:
    """Why this form post is refused as coming from another site, or None when it is the service's own."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        if fetch_site.strip().lower() in _ALLOWED_FETCH_SITES:
            return None
        return "the browser says this form was sent from another site (Sec-Fetch-Site)"
    origin = request.headers.get("origin")
    if origin is not None:
        # The host the browser reached: Host, or the one a reverse proxy passes on (a browser's form
        # cannot set X-Forwarded-Host; a proxy that rewrites Host sets it).
        hosts = {request.headers.get("host", ""), request.headers.get("x-forwarded-host", "").split(",")[0].strip()}
        hosts.discard("")
        if origin != "null" and urlsplit(origin).netloc.lower() in {h.lower() for h in hosts}:
            return None
        return "this form was sent from another site (Origin)"
    cookie = request.cookies.get(COOKIE)
    if cookie and submitted_token and hmac.compare_digest(form_token(cookie, request.scope["path"]),
                                                                   submitted_token):
        return None
    return "the form's token is missing or does not match (reload the page and send the form again)"
