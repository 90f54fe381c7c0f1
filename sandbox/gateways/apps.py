from django.apps import AppConfig


class GatewaysSandboxConfig(AppConfig):
    """Local stand-ins for HTTP SMS gateways (BulkSMS, Clickatell, BurstSMS), each speaking
    its gateway's wire format under /gateway-sandbox/<gateway>/. Installed only when
    WAVIX_SANDBOX_ENABLED is on (the flag turns on every provider's fake)."""

    name = "sandbox.gateways"
    label = "gateways_sandbox"
    verbose_name = "HTTP SMS gateways sandbox"
