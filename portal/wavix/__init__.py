"""Wavix: the client every call to Wavix goes through (its fake is in `sandbox/wavix/`)."""
