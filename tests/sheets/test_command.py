"""``propertytriage template``: the file appears whole; a wrong name exits 2, an unwritable place 4."""

from __future__ import annotations

from propertytriage.cli.main import main
from propertytriage.sheets import SheetReader


def test_template_command_writes_a_template_import_reads(tmp_path, capsys):
    assert main(["template", str(tmp_path / "台账模板.xlsx")]) == 0
    reader = SheetReader(tmp_path / "台账模板.xlsx")
    assert reader.header.row == 1 and list(reader) == []
    assert list(tmp_path.iterdir()) == [tmp_path / "台账模板.xlsx"]


def test_template_command_refuses_other_names_and_missing_folders(tmp_path, capsys):
    assert main(["template", str(tmp_path / "t.csv")]) == 2
    assert ".xlsx" in capsys.readouterr().err
    assert main(["template", str(tmp_path / "no" / "t.xlsx")]) == 4  # a file that cannot be written
    assert str(tmp_path / "no") in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
