from django.urls import path  # noqa: F401 (the pages of the rendez-vous are added here)

app_name = "rendezvous"

urlpatterns = []
