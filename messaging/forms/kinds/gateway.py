"""The gateway channel's settings form (filled in with its provider)."""
