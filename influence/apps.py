from django.apps import AppConfig


class InfluenceConfig(AppConfig):
    name = "influence"
    verbose_name = "Influence"

    def ready(self):
        from influence.services import analysis_run_request_for_closed_wave
        from surveys.hooks import on_wave_closed

        # Closing a wave (by HR, by the schedule or by an import) asks for its analysis.
        on_wave_closed(analysis_run_request_for_closed_wave)
