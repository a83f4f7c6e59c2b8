"""Operating a Paradesk install: `paradesk backup` and `paradesk restore` (docs/serving.md)."""
