"""Sandbox state (filled in by the sandbox implementation)."""
