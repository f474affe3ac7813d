from mpnews.redaction import install as _redact_logs

__all__: list[str] = []

_redact_logs()  # Prefect and flow log lines never show a secret
