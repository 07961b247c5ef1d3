"""Receivers of Django's sign-in signals: each hands over to one audit function."""

from teams.audit import audit_sign_in, audit_sign_in_failed


def sign_in_recorded(sender, request=None, user=None, **kwargs) -> None:
    audit_sign_in(user=user)


def sign_in_failure_recorded(sender, credentials=None, request=None, **kwargs) -> None:
    # `credentials` has the password masked already; only the e-mail tried is read.
    credentials = credentials or {}
    audit_sign_in_failed(email=str(credentials.get("username") or credentials.get("email") or ""))
