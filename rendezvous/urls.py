from django.urls import path

from rendezvous.views import letter

app_name = "rendezvous"

urlpatterns = []

# « La lettre »
urlpatterns += [
    path("lettre/", letter.letter_archive, name="letter_archive"),
    path("lettre/<int:number>/", letter.letter_detail, name="letter_detail"),
    path("lettre/abonnement/", letter.letter_subscribe, name="letter_subscribe"),
    path("lettre/abonnement/envoye/", letter.letter_subscribe_done, name="letter_subscribe_done"),
    path("lettre/confirmation/<str:token>/", letter.letter_confirm, name="letter_confirm"),
    path("lettre/desabonnement/<str:token>/", letter.letter_unsubscribe, name="letter_unsubscribe"),
    path("lettre/desabonnement/<str:token>/un-clic/", letter.letter_unsubscribe_one_click,
         name="letter_unsubscribe_one_click"),
]
