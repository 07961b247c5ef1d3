from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = "Roster"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from teams.signals import sign_in_failure_recorded, sign_in_recorded

        user_logged_in.connect(sign_in_recorded, dispatch_uid="teams.audit.sign_in")
        user_login_failed.connect(
            sign_in_failure_recorded, dispatch_uid="teams.audit.sign_in_failed"
        )
