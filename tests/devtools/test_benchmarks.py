"""The pathological-input benchmark runs (on small input here: it asserts no timing)."""

import io

from benchmarks import pathological


def test_the_benchmark_times_every_shape_on_small_input():
    out = io.StringIO()
    pathological.run(size=2_000, budget=float("inf"), out=out, runs=1, area_count=50)
    table = out.getvalue()
    for name in [*pathological.MARKDOWN_SHAPES, *pathological.REPORT_SHAPES]:
        assert name in table
    assert "worst render:" in table
    assert "worst report:" in table
    assert "worst notes:" in table
