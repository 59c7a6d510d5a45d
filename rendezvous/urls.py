from django.urls import path

from rendezvous import event_views
from rendezvous.feeds import EventsFeed

app_name = "rendezvous"

urlpatterns = [
    # The agenda (events): its fixed addresses before /agenda/<slug>/ (an event's slug may not take them).
    path("agenda/", event_views.agenda, name="agenda"),
    path("agenda/passes/", event_views.agenda_past, name="agenda_past"),
    path("agenda/flux.atom", EventsFeed(), name="events_feed"),
    path("agenda/mon-inscription/<str:token>/", event_views.registration, name="registration"),
    path("agenda/mon-inscription/<str:token>/annuler/", event_views.registration_cancel_view, name="registration_cancel"),
    path("agenda/<slug:slug>.ics", event_views.event_ics, name="event_ics"),
    path("agenda/<slug:slug>/", event_views.event_detail, name="event_detail"),
    path("agenda/<slug:slug>/inscription-envoyee/", event_views.registration_sent, name="registration_sent"),
]
