"""`make bench`: load tests of the production setup, and their helpers.

A regular package so that ``import bench.x`` resolves here even when a
script in this folder (``bench/bench.py``) is run directly.
"""
