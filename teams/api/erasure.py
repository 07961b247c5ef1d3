"""Erasure API (stub, being built)."""

from rest_framework.views import APIView


class PersonEraseView(APIView):
    pass
