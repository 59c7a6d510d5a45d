"""Tooling kept out of the product: demo data, the benchmarks and their commands.

Not an installed app of the product: ``tools.settings`` (the product's settings plus this app) gives
``seed_demo``, ``bench`` and ``bench_search`` and the benchmark's floor view; the product never imports it.
"""
