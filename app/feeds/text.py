"""Text as a feed can carry it: the second line of defence for rows stored before input
refused control characters (see `app.editorial.schemas.Text`)."""

import re

# Not allowed anywhere in an XML 1.0 document (nor in iCalendar text): C0 controls other
# than tab, line feed and carriage return, lone surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML cannot carry."""
    return _NOT_XML.sub("", text)
