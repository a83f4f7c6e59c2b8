"""Team communication: what Paradesk tells one staff member in the app (notifications), and the
banner that shows them."""
