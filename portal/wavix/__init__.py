"""Wavix: the client every call to Wavix goes through, and a local sandbox standing in for it."""
