"""One column check that collects every problem (geofront.validate.check_frame)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geofront.errors import InputError, SchemaError
from geofront.validate import check_frame, missing_columns


def test_every_missing_column_and_the_geometry_in_one_line():
    frame = pd.DataFrame({"district": ["a"], "extra": [1]})
    with pytest.raises(SchemaError) as err:
        check_frame(
            frame,
            what="control table",
            columns=("district_id", "district", "status"),
            geometry=True,
            fix="give control_from_events output",
            show_columns=True,
        )
    assert str(err.value) == (
        "control table lacks column(s) district_id, status and has no geometry "
        "(it has district, extra): give control_from_events output"
    )


def test_plural_names_and_sources():
    with pytest.raises(SchemaError, match=r"^events lack column\(s\) date and have no geometry$"):
        check_frame(pd.DataFrame({"a": [1]}), what="events", columns=["date"], geometry=True)
    with pytest.raises(SchemaError, match=r"^aliases file x.csv lacks column\(s\) alias: fix$"):
        check_frame(
            pd.DataFrame(), what="aliases file", source="x.csv", columns=["alias"], fix="fix"
        )


def test_a_good_table_passes_and_a_non_table_is_refused():
    good = gpd.GeoDataFrame({"status": ["x"]}, geometry=[shapely.Point(0, 0)], crs=4326)
    check_frame(good, what="control table", columns=["status"], geometry=True)
    assert missing_columns(good, ["status", "b", "a"]) == ["b", "a"]
    no_active = gpd.GeoDataFrame({"status": ["x"]})
    with pytest.raises(SchemaError, match="has no geometry"):
        check_frame(no_active, what="control table", geometry=True)
    with pytest.raises(InputError, match="must be a table .* not list"):
        check_frame([1, 2], what="events")
