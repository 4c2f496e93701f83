"""Editors' browsers for the concurrency tests: a cookie jar, a page, and what it was told.

Each ``Browser`` logs in through the admin's login form, keeps its pages as a browser holds
them (``open``), and posts them back (``post``), following no redirect: a ``302`` after a
save is Django's "saved", a ``200`` is the form shown again with what went wrong. Every answer
is kept in ``told``, for the test to compare with what the database ends up holding.
"""

import http.cookiejar
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from tests.concurrency.seeding import PASSWORD
from tests.html import errors_shown, form_data


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    who: str
    what: str
    status: int
    body: str = ""
    location: str = ""
    #: (model, key, field, value) the post tried to write.
    wrote: tuple = ()

    @property
    def saved(self):
        return self.status == 302

    @property
    def messages(self):
        return errors_shown(self.body) if self.status == 200 else []


@dataclass
class Page:
    url: str
    data: dict
    html: str


@dataclass
class Told:
    answers: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, answer):
        with self.lock:
            self.answers.append(answer)


class Browser:
    def __init__(self, site, username, told):
        self.site, self.username, self.told = site, username, told
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects()
        )
        login = self.open("/admin/login/")
        answer = self.post(login, "log in", username=username, password=PASSWORD, next="/admin/")
        assert answer.status == 302, f"{username} could not log in: {answer.status}"

    def _request(self, path, data=None):
        body = None
        headers = {"Referer": self.site.url + path}
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.site.url + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode(), ""
        except urllib.error.HTTPError as error:
            location = error.headers.get("Location", "")
            return error.code, error.read().decode(errors="replace"), location

    def get(self, path):
        """A page's text (a report, say), without its forms."""
        status, text, _location = self._request(path)
        assert status == 200, f"GET {path}: {status}"
        return text

    def open(self, path):
        status, html, _location = self._request(path)
        assert status == 200, f"GET {path}: {status}"
        return Page(path, form_data(html), html)

    def post(self, page, what, wrote=(), **changes):
        data = {**page.data, **changes}
        if "_save" not in data and "post" not in data and "confirm" not in data:
            data.setdefault("_save", "Save")
        status, body, location = self._request(page.url, data)
        answer = Answer(self.username, what, status, body, location, tuple(wrote))
        self.told.add(answer)
        return answer
