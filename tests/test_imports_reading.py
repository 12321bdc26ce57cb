"""Reading import files as streams: legacy encodings (Shift-JIS), the row limit, and files read
from disk without being held whole (issue 8, findings 6 and 12)."""

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from campaigns import imports
from campaigns.imports import ImportFileError
from campaigns.tenancy import scopes_disabled

DATA = Path(__file__).parent / "data"
JAPANESE = ["春のセール", "夏のキャンペーン（東京）"]  # noqa: RUF001 - full-width, as written in Japanese


def test_a_shift_jis_file_is_read_with_its_japanese_names_intact():
    content = (DATA / "shift_jis_japanese.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")

    parsed = imports.parse_csv(content)

    assert parsed.encoding == "Shift-JIS"
    assert parsed.problems == ()
    assert [r.campaign for r in parsed.rows] == [JAPANESE[0], JAPANESE[0], JAPANESE[1]]
    assert parsed.rows[0].values["impressions"] == 1200
    assert any("read as Shift-JIS" in note for note in parsed.notes)
    # Western European files are still read as before: detection looks for East Asian text.
    header = "date,campaign,leads\n"
    cp1252 = imports.parse_csv(f"{header}2026-01-05,Año Nuevo – “Café”,1\n".encode("cp1252"))
    latin1 = imports.parse_csv(f"{header}2026-01-05,Ofertas\x81 de España,1\n".encode("latin-1"))
    assert (cp1252.encoding, cp1252.rows[0].campaign) == ("Windows-1252", "Año Nuevo – “Café”")
    assert (latin1.encoding, latin1.rows[0].campaign) == ("Latin-1", "Ofertas\x81 de España")


@pytest.mark.django_db
def test_a_shift_jis_file_creates_its_campaigns_under_their_japanese_names(sunrise, capsys):
    call_command(
        "import_metrics",
        "sunrise-realty",
        str(DATA / "shift_jis_japanese.csv"),
        "--create-missing",
        "--channel",
        "social",
    )

    assert "(Shift-JIS, comma-separated)" in capsys.readouterr().out
    with scopes_disabled():
        names = sorted(sunrise.campaigns.values_list("name", "start_date"))
    assert names == sorted((name, date(2026, 1, 5)) for name in JAPANESE)


def test_a_file_whose_encoding_cannot_be_recognised_is_refused_with_a_clear_message():
    content = b"date,campaign,leads\n2026-01-05," + bytes(range(0x80, 0x100)) * 4 + b",1\n"

    with pytest.raises(ImportFileError, match=r"encoding could not be recognised.*CSV UTF-8"):
        imports.parse_csv(content)


def test_a_file_is_read_from_an_open_binary_file(tmp_path):
    path = tmp_path / "ours.csv"
    path.write_bytes((DATA / "ours.csv").read_bytes())

    with path.open("rb") as file:
        parsed = imports.read_csv(file)
        assert not file.closed  # the caller's file stays the caller's

    assert len(parsed.rows) == 6 and parsed.platform == "ours"


def test_a_file_over_the_row_limit_is_refused_before_its_rows_are_read(settings):
    settings.IMPORT_MAX_ROWS = 1_000
    lines = ["date,campaign,leads", *[f"2026-01-05,C{n},1" for n in range(1_001)]]
    content = ("\n".join(lines) + "\n").encode()

    with pytest.raises(ImportFileError) as error:
        imports.parse_csv(content)

    assert error.value.messages == [
        "The file has more than 1,000 rows of data; up to 1,000 can be imported at once. "
        "Split it, for example one file per month."
    ]
    settings.IMPORT_MAX_ROWS = 1_001
    assert len(imports.parse_csv(content).rows) == 1_001


def test_the_row_limit_defaults_to_one_hundred_thousand(settings):
    del settings.IMPORT_MAX_ROWS

    assert imports.max_rows() == 100_000


@pytest.mark.parametrize("text", ["٥", "١٢٣", "１２", "۱,۲۳۴"])  # noqa: RUF001 - the point of it
def test_numbers_in_non_ascii_digits_are_refused_as_in_the_api(text):
    """int() reads any Unicode digit; the import, like the API, reads ASCII digits only."""
    with pytest.raises(ValueError, match="is not a number"):
        imports.parse_number(text)
    with pytest.raises(ValueError, match="is not a number"):
        imports.parse_count(text, "leads")
