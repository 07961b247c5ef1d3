"""Audit log API (stub, being built)."""

from rest_framework.views import APIView


class AuditEventListView(APIView):
    pass


class AuditExportView(APIView):
    pass
