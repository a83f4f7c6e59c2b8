"""The progress pages: a measure's progress (measures.py), the teacher's decisions (actions.py), the
team dashboard (dashboard.py), and progress reports and their batches (reports.py)."""
