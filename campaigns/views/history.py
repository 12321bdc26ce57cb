"""The history pages: a campaign's History panel, the location's activity, import batches and
their undo. (Being built.)"""

urlpatterns = []
