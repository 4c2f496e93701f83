"""Tooling for developing the site, not part of what it runs: the demo meetup that ``make run``
loads (``load_demo``), and synthetic meetups of any size for the benchmarks (``seed_bench``)."""
