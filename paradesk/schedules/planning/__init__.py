"""Building a week's para schedule from plain data: the data (week.py), CP-SAT (solver.py), the greedy
baseline (greedy.py) and why a requirement falls short (explain.py). Pure: nothing here imports Django
(paradesk/tests/test_contracts.py checks it)."""
