"""The forms of a page as a browser sees them: where each posts and what it sends as is.

Used by the load scenario (bench/locustfile.py) and the fault runs (bench/faults.py); it
imports nothing of the shop, nor locust (whose gevent patching the fault runs must not get).
"""

from __future__ import annotations

from html.parser import HTMLParser


class Form:
    """One <form> of a page: where it posts and the values a browser would send as is."""

    def __init__(self, action: str, method: str) -> None:
        self.action = action
        self.method = method
        self.values: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}


class FormParser(HTMLParser):
    """Collect the forms of a page with their default values (checked boxes and radios,
    selected options), as a browser submits them untouched."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        form = self._form
        if form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.values[name] = a.get("value", "on")
                form.options.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "image", "file"):
                form.values[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            form.options[name] = []
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.options[self._select].append(value)
            if "selected" in a or self._select not in form.values:
                form.values[self._select] = value
        elif tag == "textarea" and name:
            self._textarea = name
            form.values[name] = ""

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form.values[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_form(html: str, *, action: str = "", has_field: str = "") -> Form | None:
    """Return the first form of the page posting to an address containing `action` (or
    holding a field `has_field`), or None."""
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form.method != "post":
            continue
        if action and action not in form.action:
            continue
        if has_field and has_field not in form.values and has_field not in form.options:
            continue
        return form
    return None
