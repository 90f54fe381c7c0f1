"""Wavix: the client every call to Wavix goes through."""
