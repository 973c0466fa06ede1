"""Bytes -> str, deterministically: BOMs, BOM-less UTF-16 (NUL pattern), binary refusal, UTF-8, then cp1252/latin-1."""
from __future__ import annotations

import codecs

from extractor.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


# Bytes that never occur in text documents: C0 controls other than tab, newline,
# vertical tab, form feed, carriage return and escape.
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))
_SNIFF = 8192  # bytes looked at to tell text from binary
_MAX_BINARY_SHARE = 0.02  # more than 2% of control bytes: not a text document


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when NULs sit at every other byte (ASCII-range UTF-16), else ``None``.

    >>> _utf16_without_bom("Bitcoin rose".encode("utf-16-le")), _utf16_without_bom(b"B\\x00\\x00\\x00")
    ('utf-16-le', None)
    """
    if len(head) < 8:
        return None
    head = head[: len(head) // 2 * 2]
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def looks_binary(data: bytes) -> bool:
    """True when the start of ``data`` holds NULs or many control bytes (images, archives, executables).

    >>> looks_binary(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00"), looks_binary(b"Bitcoin\\tfell\\r\\n"), looks_binary(b"")
    (True, False, False)
    """
    head = data[:_SNIFF]
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _BINARY_BYTES))
    return controls > _MAX_BINARY_SHARE * len(head)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``.

    >>> decode_bytes("Ether €".encode("utf-8"))
    ('Ether €', 'utf-8')
    >>> decode_bytes(codecs.BOM_UTF8 + b"BTC")
    ('BTC', 'utf-8')
    >>> decode_bytes("BTC".encode("utf-16"))
    ('BTC', 'utf-16-le')
    >>> decode_bytes("Caf\\xe9 \\x80".encode("latin-1"))[1]
    'cp1252'
    >>> decode_bytes(b"caf\\xe9 \\x81")[1]
    'latin-1'
    >>> decode_bytes("Bitcoin".encode("utf-16-be"))
    ('Bitcoin', 'utf-16-be')
    >>> decode_bytes(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\rIHDR")
    Traceback (most recent call last):
    ...
    extractor.errors.InputError: binary data (NUL or control bytes), not a text or HTML document
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), enc.replace("-sig", "")
            except UnicodeDecodeError as exc:
                raise InputError(f"not valid {enc} after its byte-order mark: {exc.reason} at byte {exc.start}") from None
    utf16 = _utf16_without_bom(data[:_SNIFF])
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError as exc:
            raise InputError(f"not valid {utf16}: {exc.reason} at byte {exc.start}") from None
    if looks_binary(data):
        raise InputError("binary data (NUL or control bytes), not a text or HTML document")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps every byte.
        text = data.decode("latin-1")
        return text, "latin-1"
    return text, "cp1252"
