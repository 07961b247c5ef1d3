from django.apps import AppConfig


class InfluenceConfig(AppConfig):
    name = "influence"
    verbose_name = "Influence"

    def ready(self):
        from influence.erasure import person_results_erase
        from influence.services import analysis_run_request_for_closed_wave
        from surveys.hooks import on_wave_closed
        from teams.hooks import on_person_erased

        # Closing a wave (by HR, by the schedule or by an import) asks for its analysis.
        on_wave_closed(analysis_run_request_for_closed_wave)
        # Erasing a person removes their flags, reviews and stored export files.
        on_person_erased(person_results_erase)
