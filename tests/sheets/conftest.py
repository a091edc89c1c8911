"""Both ways a workbook is read: loaded whole (python-calamine) and streamed (openpyxl's sheet parser,
used above a size); tests that take ``workbook_engine`` run with each."""

from __future__ import annotations

import pytest

from propertytriage.sheets import sources


@pytest.fixture(params=["loaded", "streamed"])
def workbook_engine(request, monkeypatch):
    if request.param == "streamed":
        monkeypatch.setattr(sources, "STREAM_ABOVE_BYTES", 0)
    else:
        monkeypatch.setattr(sources, "STREAM_ABOVE_BYTES", 1 << 40)
    return request.param
