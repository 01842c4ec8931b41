"""Challenges: goals as data, checked over a simulated run, and the marking core (no Qt).

loader.load_challenge (a checked file), variants.layout (variant k's world), watch.Watcher
(goals followed through a run), marking.mark_program (a program's mark over variants, with its
completion code), batch (a cohort's submissions on Dask), report (the HTML page).
Nothing is imported here, so `robolab --help` stays quick.
"""
