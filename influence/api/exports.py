"""Exports API (stub, being built)."""

from rest_framework.views import APIView


class WaveExportView(APIView):
    pass


class ExportListView(APIView):
    pass


class ExportDetailView(APIView):
    pass


class ExportDownloadView(APIView):
    pass
