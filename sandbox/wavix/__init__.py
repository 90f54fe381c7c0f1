"""The Wavix sandbox: a local stand-in for the Wavix API, faithful to Wavix's OpenAPI spec
(tests/contract/wavix-api-2026-06-30.json), so `make run`, the tests and the benchmarks need
no Wavix account and no internet.

Switched on by WAVIX_SANDBOX_ENABLED (default: DEBUG) and served under /wavix-sandbox/, so a
Wavix client's base URL is e.g. http://127.0.0.1:8000/wavix-sandbox. The key in
WAVIX_SANDBOX_API_KEY always works (as `Authorization: Bearer <key>` or `?appid=<key>`); with
DEBUG on its account seeds itself on first use. `manage.py check --deploy` refuses the sandbox
with DEBUG off.

- State: `manage.py sandbox_seed [--purchased N] [--api-key K]` (idempotent); in code
  `seed.seed_account` and `seed.seed_cdrs` (more calls for given numbers and a trunk).
- In-process use (tests, benchmarks): `transport.SandboxTransport`, a requests adapter.
- Demo data (`manage.py seed_demo`, portal/demo/): `demo`, the one entry point for it.
- Operator actions (same key): POST _operator/inbound {to, from, text, media?} delivers an
  inbound SMS (also `manage.py sandbox_inbound`); GET/POST _operator/faults reads/replaces the
  fault injection (error_rate, error_status, rate_limit_rate, retry_after, latency_ms,
  timeout_rate, timeout_seconds, seed, path_prefix, methods; `{}` turns everything off); POST
  _operator/trunks/<id>/review {decision: approve|reject} is Wavix's manual trunk review.
- Deterministic outcomes: recipients ending 0000 are undelivered, 0001 expire, 0002 get no
  receipt (dlr_expired), 0003 are rejected; E911 addresses in services/e911.py.
"""
