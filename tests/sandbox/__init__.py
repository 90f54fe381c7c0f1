"""Tests of the local stand-ins for outside providers, one folder per provider."""
