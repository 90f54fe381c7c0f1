"""Local stand-ins for the outside providers the portal talks to, so `make run`, the tests and
the benchmarks need no provider account and no internet. One subpackage per provider, each a
Django app of its own: `wavix/` (app label `wavix_sandbox`) today; the fakes of the next
providers (DIDWW, Apidaze, generic HTTP gateways) go beside it.

Installed only when enabled (`WAVIX_SANDBOX_ENABLED` for Wavix, default: DEBUG): with it off
the app is not in INSTALLED_APPS, its URLs are not routed and its tables are never created.
No domain app and no module of the shared base imports this package; the portal reaches a
fake only the way it reaches the real provider, over HTTP (in tests through the fake's
in-process requests transport). Only the top layer (URLs, demo seeding) may import it, and
only when it is installed."""
