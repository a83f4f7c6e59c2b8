"""Absences and coverage: who covers an absent para's blocks (the proposal, proposal.py, is pure:
no Django), the Django side of it (absences.py), its models, actions, forms, pages and URLs."""
