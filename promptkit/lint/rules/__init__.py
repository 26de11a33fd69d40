"""The lint rules, one per module, each named for the pattern it flags (see ``registry``)."""
