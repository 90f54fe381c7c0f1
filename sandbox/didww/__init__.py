"""A local stand-in for DIDWW's SMS trunks (make run, tests): the Outbound SMS API of an HTTP
OUT trunk under /didww-sandbox/ (`POST /didww-sandbox/outbound_messages`, JSON:API, Basic auth
with the trunk's credentials), the status callback and delivery report it then posts to the
trunk's Callback URL, and an HTTP IN trunk's deliveries of inbound messages (the operator's
"simulate inbound" page), retried for up to an hour until the portal answers 2xx.

Installed only when WAVIX_SANDBOX_ENABLED is on (the flag turns on every provider's fake).

The demo trunk's credentials are fixed (trunks.DEMO_USERNAME / DEMO_PASSWORD): the first call
with them creates the trunk. What a send becomes depends on its destination's last digits:
`...0000` gets the status callback `Routing error` (code_id 20, no delivery report),
`...0001` gets `Success` then the delivery report `FAILED`, `...0002` `Success` then `EXPIRED`;
any other number `Success` then `DELIVERED`.
"""
