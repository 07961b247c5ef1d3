from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "Surveys"

    def ready(self):
        from surveys.erasure import person_answers_erase
        from teams.hooks import on_person_erased

        # Erasing a person removes their free text and secret links (teams never imports us).
        on_person_erased(person_answers_erase)
