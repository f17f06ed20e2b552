from app.secrets.store import SecretStore

__all__ = ["SecretStore"]
