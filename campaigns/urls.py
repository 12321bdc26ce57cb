"""The managers' pages. URLs are part of the interface: bookmarkable and shareable."""

from django.urls import path

from campaigns.views import (
    alerts,
    campaigns,
    channels,
    compare,
    exports,
    health,
    history,
    imports,
    members,
    overview,
    reports,
    tokens,
)

app_name = "campaigns"

urlpatterns = [
    path("", overview.HomeView.as_view(), name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("portfolio/", overview.PortfolioView.as_view(), name="portfolio"),
    path("l/<slug:slug>/", overview.OverviewView.as_view(), name="overview"),
    path("l/<slug:slug>/campaigns/", campaigns.CampaignListView.as_view(), name="campaigns"),
    path("l/<slug:slug>/campaigns/new/", campaigns.CampaignCreateView.as_view(), name="new"),
    path(
        "l/<slug:slug>/campaigns/<int:pk>/", campaigns.CampaignDetailView.as_view(), name="campaign"
    ),
    path(
        "l/<slug:slug>/campaigns/<int:pk>/edit/",
        campaigns.CampaignUpdateView.as_view(),
        name="edit",
    ),
    path(
        "l/<slug:slug>/campaigns/<int:pk>/metrics/",
        campaigns.RecordDayView.as_view(),
        name="metrics",
    ),
    path("l/<slug:slug>/campaigns/<int:pk>/funnel/", campaigns.FunnelView.as_view(), name="funnel"),
    path(
        "l/<slug:slug>/campaigns/<int:pk>/complete/",
        campaigns.CampaignCompleteView.as_view(),
        name="complete",
    ),
    path("l/<slug:slug>/compare/", compare.CompareView.as_view(), name="compare"),
    path("l/<slug:slug>/channels/", channels.ChannelsView.as_view(), name="channels"),
]

# Data in and out: each area's module declares its own patterns (in this namespace).
urlpatterns += imports.urlpatterns + exports.urlpatterns + tokens.urlpatterns + members.urlpatterns
urlpatterns += alerts.urlpatterns
urlpatterns += reports.urlpatterns
urlpatterns += history.urlpatterns
