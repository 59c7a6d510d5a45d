from django.urls import path

from rendezvous.feeds import EventsFeed
from rendezvous.views import alerts, events, letter

app_name = "rendezvous"

urlpatterns = [
    # The agenda (events): its fixed addresses before /agenda/<slug>/ (an event's slug may not take them).
    path("agenda/", events.agenda, name="agenda"),
    path("agenda/passes/", events.agenda_past, name="agenda_past"),
    path("agenda/flux.atom", EventsFeed(), name="events_feed"),
    path("agenda/mon-inscription/<str:token>/", events.registration, name="registration"),
    path("agenda/mon-inscription/<str:token>/annuler/", events.registration_cancel_view, name="registration_cancel"),
    path("agenda/<slug:slug>.ics", events.event_ics, name="event_ics"),
    path("agenda/<slug:slug>/", events.event_detail, name="event_detail"),
    path("agenda/<slug:slug>/inscription-envoyee/", events.registration_sent, name="registration_sent"),
]

# « La lettre »
urlpatterns += [
    path("lettre/", letter.letter_archive, name="letter_archive"),
    path("lettre/<int:number>/", letter.letter_detail, name="letter_detail"),
    path("lettre/abonnement/", letter.letter_subscribe, name="letter_subscribe"),
    path("lettre/abonnement/envoye/", letter.letter_subscribe_done, name="letter_subscribe_done"),
    path("lettre/abonnement/confirme/", letter.letter_subscribe_confirmed, name="letter_subscribe_confirmed"),
    path("lettre/confirmation/<str:token>/", letter.letter_confirm, name="letter_confirm"),
    path("lettre/desabonnement/<str:token>/", letter.letter_unsubscribe, name="letter_unsubscribe"),
    path("lettre/desabonnement/<str:token>/un-clic/", letter.letter_unsubscribe_one_click,
         name="letter_unsubscribe_one_click"),
]

# Alerts on a search
urlpatterns += [
    path("alertes/nouvelle/", alerts.alert_new, name="alert_new"),
    path("alertes/nouvelle/envoyee/", alerts.alert_sent, name="alert_sent"),
    path("alertes/confirmer/<str:token>/", alerts.alert_confirm, name="alert_confirm"),
    path("alertes/gerer/<str:token>/", alerts.alert_manage, name="alert_manage"),
    path("alertes/gerer/<str:token>/un-clic/", alerts.alert_stop_one_click, name="alert_stop_one_click"),
]
