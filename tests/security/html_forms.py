"""A page's form as a browser would send it: every input, select and textarea of its main POST form (the one
with the most fields: the admin's header also holds a one-field logout form), with its current values.
The authorization suite posts what a staff administrator's page holds, changed."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[list, list]] = []  # (fields, text fields) of each POST form
        self.fields: list[tuple[str, str]] = []
        self.text_fields: list[str] = []
        self._in_form = False
        self._select: str | None = None
        self._select_multiple = False
        self._first_option: str | None = None
        self._selected = False
        self._option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self._in_form, self.fields, self.text_fields = True, [], []
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
        classes = attrs.get("class", "")
        typed = any(widget in classes for widget in ("vDateField", "vTimeField", "vIntegerField", "vForeignKeyRawId"))
        if kind == "text" and "readonly" not in attrs and not typed:
            self.text_fields.append((name, int(attrs.get("maxlength") or 10_000)))

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
            self._in_form = False
            self.forms.append((self.fields, self.text_fields))
        elif tag == "select" and self._select is not None:
            if not self._selected and not self._select_multiple and self._first_option is not None:
                self.fields.append((self._select, self._first_option))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            value = "".join(self._text).removeprefix("\n")
            self.fields.append((self._textarea, value))
            self.text_fields.append((self._textarea, 100_000))
            self._textarea = None


def post_form(html: str) -> tuple[dict[str, list[str]], list[tuple[str, int]]]:
    """({name: [values]}, [(name, maximum length)] of the editable text fields) of the page's main form."""
    parser = _FormParser()
    parser.feed(html)
    fields, text_fields = max(parser.forms, key=lambda form: len(form[0]), default=([], []))
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data, text_fields
