"""Text made safe for XML 1.0 (feeds): stored texts may hold control characters the API keeps."""

import re

# What XML 1.0 refuses (django.utils.xmlutils raises on it): C0 controls but tab, line feed and carriage return.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)
