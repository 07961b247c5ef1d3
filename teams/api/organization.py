"""Organisation settings API (stub, being built)."""

from rest_framework.views import APIView


class OrganizationSettingsView(APIView):
    pass
