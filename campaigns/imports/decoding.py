"""Which text encoding an import file is in, found by reading it once as a stream: UTF-16 by its
byte-order mark (or, without one, by the zero bytes of its ASCII letters), UTF-8 (with or without
one) when every byte is valid UTF-8, otherwise what charset-normalizer detects: an East Asian
encoding such as Shift-JIS, else the Western European code page (Windows-1252, ISO-8859-15, Mac
Roman or Latin-1) whose reading of the text charset-normalizer's mess detector finds cleanest.
Needs no database."""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, TextIO

import charset_normalizer
from charset_normalizer.md import mess_ratio
from charset_normalizer.utils import is_multi_byte_encoding
from django.core.exceptions import ValidationError

#: How much of the file's non-ASCII lines charset-normalizer looks at.
DETECTION_SAMPLE_BYTES = 256 * 1024
_BINARY = re.compile(rb"[\x00-\x08\x0e-\x19\x1b-\x1f]")
#: Bytes that Windows-1252 leaves undefined: a file with them is not Windows-1252.
_NOT_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
#: The Western European code pages a file that is not UTF-8 may be in, in the order a tie is
#: settled (Excel on Windows; Latin-1 and ISO-8859-15 from Unix tools, the latter only when its
#: own characters such as € make the difference; Excel on older Macs).
WESTERN = {
    "cp1252": "Windows-1252",
    "latin_1": "Latin-1",
    "iso8859_15": "ISO-8859-15",
    "mac_roman": "Mac Roman",
}
#: How much of the non-ASCII lines the mess detector reads of each code page's text.
WESTERN_SAMPLE_CHARS = 64 * 1024
#: A dash, double quote or bullet inside a word ("Campa–a", "Espa—a"): Mac Roman letters
#: read as Windows-1252.
_PUNCTUATION_IN_WORD = re.compile(r"(?<=[^\W\d_])[–—“”„•…](?=[^\W\d_])")
#: Characters that a text read with the wrong Western code page shows and real names hardly
#: have: Mac Roman letters read as Windows-1252 ("CafŽ", "Campa–a" is left to the mess
#: detector), ISO-8859-15's € and œ read as Windows-1252 ("¤", "½"), Windows-1252 letters read
#: as Mac Roman ("·", "˙", "‡"), and control characters.
_UNLIKELY = frozenset("ƒ†‡ˆ‰‹›™˜Žž¤¦¨´¸¼½¾·˙˚˛ˇ¯˘˝◊ıﬁﬂ∂∆∑∏π∫Ω√≈≠≤≥∞µ") | frozenset(  # noqa: RUF001
    map(chr, range(0x80, 0xA0))
)
_LABELS = {
    "cp932": "Shift-JIS",
    "shift_jis": "Shift-JIS",
    "shift_jis_2004": "Shift-JIS",
    "shift_jisx0213": "Shift-JIS",
    "euc_jp": "EUC-JP",
    "euc_jis_2004": "EUC-JP",
    "euc_jisx0213": "EUC-JP",
    "iso2022_jp": "ISO-2022-JP",
    "gb18030": "GB18030",
    "gb2312": "GB2312",
    "gbk": "GBK",
    "big5": "Big5",
    "big5hkscs": "Big5-HKSCS",
    "cp949": "EUC-KR",
    "euc_kr": "EUC-KR",
    "johab": "Johab",
}


class ImportFileError(ValidationError):
    """The file as a whole cannot be read (empty, binary, too large, no header row)."""


@dataclass(frozen=True)
class Encoding:
    codec: str  # the Python codec the file is read with
    label: str  # its name for people
    note: str = ""  # said in the preview when the file is not UTF-8


UTF8 = Encoding("utf-8-sig", "UTF-8")
UTF16 = Encoding("utf-16", "UTF-16")
UTF16_LE = Encoding("utf-16-le", "UTF-16")
UTF16_BE = Encoding("utf-16-be", "UTF-16")


def detect_encoding(stream: BinaryIO) -> Encoding:
    """The encoding of the binary ``stream``, read once from its start in lines; raises
    ImportFileError for an empty or binary file, or when no encoding fits."""
    stream.seek(0)
    head = stream.read(4)
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        # Google Ads' "CSV for Excel" and Excel's "Unicode text" are UTF-16 (tab-separated).
        return UTF16
    if len(head) == 4 and head[1] == head[3] == 0 and head[0] and head[2]:
        return UTF16_LE  # without a byte-order mark: "Da" is b"D\x00a\x00"
    if len(head) == 4 and head[0] == head[2] == 0 and head[1] and head[3]:
        return UTF16_BE
    stream.seek(0)
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8, has_text, cp1252, sample, sampled = True, False, True, [], 0
    for line in stream:
        if _BINARY.search(line):
            raise ImportFileError(
                "This is not a CSV file: it contains binary data. Export the report as CSV "
                "(comma- or semicolon-separated text); spreadsheets such as .xlsx must be saved "
                "as CSV first."
            )
        has_text = has_text or bool(line.strip(b" \t\r\n\x1a\x0b\x0c"))
        if line.isascii():
            continue
        if is_utf8:
            try:
                utf8.decode(line)
            except UnicodeDecodeError:
                is_utf8 = False
        cp1252 = cp1252 and not _NOT_CP1252.search(line)
        if sampled < DETECTION_SAMPLE_BYTES:
            sample.append(line)
            sampled += len(line)
    if not has_text:
        raise ImportFileError("The file is empty.")
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
        else:
            return UTF8
    return _legacy(b"".join(sample), cp1252=cp1252)


def _legacy(sample: bytes, *, cp1252: bool) -> Encoding:
    """A file that is not UTF-8: an East Asian multi-byte encoding when charset-normalizer
    detects one in the lines that are not plain ASCII; otherwise the Western European code page
    whose text its mess detector finds cleanest (on short samples its own guesses among the
    single-byte code pages are unreliable: Spanish text comes out as Central European)."""
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        raise ImportFileError(
            "The file's text encoding could not be recognised: it is not UTF-8, and its "
            "characters fit no encoding we can identify. Export or save it as CSV UTF-8."
        )
    if is_multi_byte_encoding(best.encoding):
        label = _LABELS.get(best.encoding, best.encoding.upper())
        return Encoding(
            best.encoding,
            label,
            f"The file is not UTF-8; it was read as {label} (detected from its text). "
            "Check that campaign names look right below.",
        )
    codec = _western(sample, cp1252=cp1252)
    label = WESTERN[codec]
    return Encoding(
        codec,
        label,
        f"The file is not UTF-8; it was read as {label} (Western European, detected from its "
        "text). Check that names with accents look right below.",
    )


def _western(sample: bytes, *, cp1252: bool) -> str:
    """The Western code page that reads ``sample`` with the least mess (charset-normalizer's
    measure), then with the fewest unlikely characters; on a tie, the likeliest one."""
    scores = {}
    for order, codec in enumerate(WESTERN):
        if codec == "cp1252" and not cp1252:
            continue
        text = sample.decode(codec)[:WESTERN_SAMPLE_CHARS]
        unlikely = sum(text.count(c) for c in set(text) & _UNLIKELY)
        unlikely += len(_PUNCTUATION_IN_WORD.findall(text))
        scores[codec] = (round(mess_ratio(text, 1.0), 2), unlikely, order)
    return min(scores, key=scores.__getitem__)


@contextmanager
def opened_as_text(stream: BinaryIO, encoding: Encoding) -> Iterator[TextIO]:
    """The binary ``stream`` from its start as text lines for the csv module, without a DOS
    end-of-file marker; the stream stays open afterwards."""
    stream.seek(0)
    text = _Text(stream, encoding)
    try:
        yield text
    finally:
        text.detach()


class _Text:
    """Lines of text decoded from a binary stream as it is read; a line that cannot be decoded
    is an ImportFileError that names it."""

    def __init__(self, stream: BinaryIO, encoding: Encoding):
        self.encoding = encoding
        self.wrapper = io.TextIOWrapper(stream, encoding=encoding.codec, newline="")
        self.line = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        try:
            line = next(self.wrapper)
        except UnicodeError:
            raise ImportFileError(
                f"Line {self.line + 1} of the file is not valid {self.encoding.label} text. "
                "Export or save the file as CSV UTF-8."
            ) from None
        self.line += 1
        return line.replace("\x1a", "")  # an old DOS end-of-file marker

    def detach(self) -> None:
        self.wrapper.detach()
