"""Results API (stub, being built)."""

from rest_framework.views import APIView


class WaveMetricListView(APIView):
    pass


class WaveFlagListView(APIView):
    pass


class FlagReviewView(APIView):
    pass


class WaveTeamMetricListView(APIView):
    pass


class WavePersonView(APIView):
    pass


class MyNetworkView(APIView):
    pass
