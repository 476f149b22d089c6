"""A page's form as a browser would send it: every input, select and textarea of the first POST form, with
its current values (the authorization suite posts what a staff administrator's page holds, changed)."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.fields: list[tuple[str, str]] = []
        self.text_fields: list[str] = []
        self._in_form = self._done = False
        self._select: str | None = None
        self._select_multiple = False
        self._first_option: str | None = None
        self._selected = False
        self._option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form" and not self._done and attrs.get("method", "").lower() == "post":
            self._in_form = True
        if not self._in_form:
            return
        handler = getattr(self, f"_start_{tag}", None)
        if handler:
            handler(attrs)

    def _start_input(self, attrs: dict) -> None:
        name, kind = attrs.get("name"), attrs.get("type", "text").lower()
        if not name or kind in {"submit", "button", "file", "image", "reset"}:
            return
        if kind in {"checkbox", "radio"}:
            if "checked" in attrs:
                self.fields.append((name, attrs.get("value", "on")))
            return
        self.fields.append((name, attrs.get("value", "")))
        if kind in {"text", "url", "email", "search"} and "readonly" not in attrs:
            self.text_fields.append(name)

    def _start_select(self, attrs: dict) -> None:
        self._select, self._select_multiple = attrs.get("name"), "multiple" in attrs
        self._first_option, self._selected = None, False

    def _start_option(self, attrs: dict) -> None:
        if self._select is None:
            return
        value = attrs.get("value", "")
        if self._first_option is None:
            self._first_option = value
        if "selected" in attrs:
            self.fields.append((self._select, value))
            self._selected = True

    def _start_textarea(self, attrs: dict) -> None:
        self._textarea, self._text = attrs.get("name"), []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self._in_form:
            return
        if tag == "form":
            self._in_form, self._done = False, True
        elif tag == "select" and self._select is not None:
            if not self._selected and not self._select_multiple and self._first_option is not None:
                self.fields.append((self._select, self._first_option))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            value = "".join(self._text).removeprefix("\n")
            self.fields.append((self._textarea, value))
            self.text_fields.append(self._textarea)
            self._textarea = None


def post_form(html: str) -> tuple[dict[str, list[str]], list[str]]:
    """({name: [values]}, names of the editable text fields) of the page's first POST form."""
    parser = _FormParser()
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data, parser.text_fields
