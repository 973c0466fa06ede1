"""Bytes -> str, deterministically: BOMs first, then UTF-8, then cp1252/latin-1."""
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
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), enc.replace("-sig", "")
            except UnicodeDecodeError as exc:
                raise InputError(f"not valid {enc} after its byte-order mark: {exc.reason} at byte {exc.start}") from None
    if b"\x00" in data[:4096]:
        raise InputError("binary data (NUL bytes), not a text or HTML document")
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
