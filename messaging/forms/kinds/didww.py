"""The didww channel's settings form (filled in with its provider)."""
