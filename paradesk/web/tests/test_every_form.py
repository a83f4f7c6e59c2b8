"""Every form of every page, submitted as people (and mistakes) do, answers without a server error.

The walk: each GET page of the authorization matrix (paradesk/access/routes.py), opened by the first
persona the page's rule lets in (on a draft plan for plan-editing pages), and each POST form the page
shows. Each form is sent as rendered with its empty fields given plausible values, then once per
field with that field empty, far too long, holding a NUL character, and out of range; and twice in a
row (a duplicate). Every answer must be below 500: bad input comes back as a message beside the
field. Run on SQLite and PostgreSQL (a NUL is refused only by PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import pytest
from django.test import Client
from django.urls import reverse

from paradesk.access.routes import ROUTES, Gate, Route
from paradesk.access.tests import walk
from paradesk.people.models import Staff
from paradesk.plans.actions import amend_plan
from paradesk.plans.models import Plan
from paradesk.testing import Personas

pytestmark = pytest.mark.django_db

# Who opens a page first: the people with the most forms.
PREFERRED = ("case_manager", "school_admin", "district_admin", "assigned_para", "provider", "gen_ed_teacher")
NUL = "step one\nst\x00ep two"
TOO_LONG = "x" * 20_000
OUT_OF_RANGE = {
    "number": ["-1", "99999999999999999999", "1e309"],
    "date": ["0001-01-01", "9999-12-31", "2026-02-30"],
    "time": ["25:61"],
    "datetime-local": ["0001-01-01T00:00", "9999-12-31T23:59"],
}
NOT_TYPED = {"hidden", "submit", "button", "checkbox", "radio", "file", "reset", "image"}
PLAUSIBLE = {
    "number": "3",
    "date": "2026-12-07",
    "time": "09:00",
    "datetime-local": "2026-12-07T09:00",
    "email": "someone@example.org",
    "url": "https://example.org/",
}


@dataclass
class Field:
    name: str
    kind: str  # input type, "textarea" or "select"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False


@dataclass
class Form:
    action: str
    fields: list[Field] = field(default_factory=list)

    def baseline(self) -> dict[str, list[str]]:
        """The form as rendered, empty typed fields filled with plausible values."""
        data: dict[str, list[str]] = {}
        for f in self.fields:
            if f.kind in {"checkbox", "radio"}:
                if f.checked:
                    data.setdefault(f.name, []).append(f.value or "on")
                continue
            if f.kind in {"submit", "button", "reset", "image", "file"}:
                continue
            value = f.value
            if f.kind == "select" and not value:
                value = next((o for o in f.options if o), "")
            if not value and f.kind not in NOT_TYPED:
                value = PLAUSIBLE.get(f.kind, "Sample text")
            data.setdefault(f.name, []).append(value)
        return data

    def typed(self) -> list[Field]:
        return [f for f in self.fields if f.kind not in NOT_TYPED and f.name != "csrfmiddlewaretoken"]


class FormParser(HTMLParser):
    """The POST forms of a page, with their fields (enough HTML for Django's own templates)."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: Field | None = None
        self.textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.current = Form(urljoin(self.page_url, a.get("action") or self.page_url))
            self.forms.append(self.current)
        if self.current is None or ("name" not in a and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            self.current.fields.append(Field(a["name"], kind, a.get("value", ""), checked="checked" in a))
        elif tag == "textarea":
            self.textarea = Field(a["name"], "textarea")
            self.current.fields.append(self.textarea)
        elif tag == "select":
            self.select = Field(a["name"], "select")
            self.current.fields.append(self.select)
        elif tag == "option" and self.select is not None:
            self.select.options.append(a.get("value", ""))
            if "selected" in a:
                self.select.value = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def variants(form: Form) -> Iterator[tuple[str, dict[str, list[str]]]]:
    base = form.baseline()
    yield "as rendered", base
    for f in form.typed():
        values = ["", TOO_LONG, NUL, *OUT_OF_RANGE.get(f.kind, [])]
        if f.kind == "select":
            values = ["", NUL, "not-an-option"]
        for value in values:
            yield f"{f.name}={value[:20]!r}", {**base, f.name: [value]}


def page_personas(route: Route, personas: Personas, plan: Plan) -> list[tuple[str, Staff]]:
    """The personas the page's rule lets in, the ones with the most forms first."""
    staff_of = personas.all()
    return [
        (name, staff_of[name])
        for name in PREFERRED
        if 200 in walk.expect(route, name, staff_of[name], personas, plan).codes
    ]


GET_PAGES = sorted(
    name for name, route in ROUTES.items() if route.method == "GET" and route.gate != Gate.PUBLIC
)


def post(client: Client, url: str, data: dict[str, list[str]], twice: bool = False) -> Any:
    def send() -> Any:
        response = client.post(url, data)
        return client.post(url, data) if twice and response.status_code < 500 else response

    return walk.rolled_back(send)


@pytest.mark.parametrize("name", GET_PAGES)
def test_every_form_of_the_page_answers_bad_input_without_a_server_error(
    personas: Personas, name: str
) -> None:
    route = ROUTES[name]
    plan = personas.plan
    if route.target in walk.PLAN_TARGETS and route.action in walk.WRITE_ACTIONS:
        plan = amend_plan(actor=personas.case_manager, plan=personas.plan, reason="form walk")
    page = walk.named_pages()[name]
    failures: list[str] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    for persona, staff in page_personas(route, personas, plan):
        url = walk.page_url(page, route, personas, plan, staff)
        client = walk.client_for(staff)
        response = client.get(url)
        assert response.status_code < 500, f"{persona}: GET {url} {walk.describe(response)}"
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        parser = FormParser(url)
        parser.feed(response.content.decode())
        for form in parser.forms:
            key = (form.action, frozenset(f.name for f in form.fields))
            # Signing out would end the session the rest of the walk runs in.
            if key in seen or any(form.action.endswith(reverse(name)) for name in walk.SIGN_OUT_ROUTES):
                continue
            seen.add(key)
            failures += submit_all(client, form, persona)
    assert not failures, "\n".join(failures)


def submit_all(client: Client, form: Form, persona: str) -> list[str]:
    failures = []
    for label, data in variants(form):
        answer = post(client, form.action, data)
        if answer.status_code >= 500:
            failures.append(f"{persona}: POST {form.action} with {label}: {walk.describe(answer)}")
        elif answer.status_code == 302 and answer["Location"].startswith(reverse("login")):
            failures.append(f"{persona}: POST {form.action} was sent signed out")
    answer = post(client, form.action, form.baseline(), twice=True)
    if answer.status_code >= 500:
        failures.append(f"{persona}: POST {form.action} twice: {walk.describe(answer)}")
    return failures
