"""Logs during faults: a refused request (400 for a bad « statut » or « niveau ») logs one short line, without a
traceback (core.log_filters, wired in hub/settings.py LOGGING); a server error keeps its traceback."""

import logging

import pytest
from django.test import Client, override_settings
from django.urls import path

import hub.urls
from tests.factories import make_parcours

pytestmark = pytest.mark.django_db


def broken(request):
    raise RuntimeError("Panne simulée")


urlpatterns = [path("panne-simulee/", broken), *hub.urls.urlpatterns]


def request_records(caplog):
    return [record for record in caplog.records if record.name == "django.request"]


def assert_one_short_line(caplog, status):
    records = request_records(caplog)
    assert [record.status_code for record in records] == [status]
    for record in caplog.records:
        assert record.exc_info is None, record.getMessage()
        assert "Traceback" not in logging.Formatter().format(record)
        assert "\n" not in record.getMessage()


def test_a_bad_status_value_is_a_400_logged_in_one_line(visitor, caplog):
    parcours = make_parcours(slug="parcours-journal", steps=1)
    step = parcours.steps.get()
    with caplog.at_level(logging.WARNING):
        response = visitor.post(f"/parcours/parcours-journal/{step.slug}/statut/", {"statut": "pas-un-statut"})
    assert response.status_code == 400
    assert_one_short_line(caplog, 400)
    assert request_records(caplog)[0].getMessage() == f"Statut inconnu.: /parcours/parcours-journal/{step.slug}/statut/"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_level_value_is_a_400_logged_in_one_line(learner_client, caplog, method):
    make_parcours(slug="parcours-journal", steps=2, depths=["decouverte", "approfondissement"])
    send = {
        "get": lambda: learner_client.get("/parcours/parcours-journal/?niveau=expert"),
        "post": lambda: learner_client.post("/parcours/parcours-journal/commencer/", {"niveau": "expert"}),
    }[method]
    with caplog.at_level(logging.WARNING):
        response = send()
    assert response.status_code == 400
    assert_one_short_line(caplog, 400)


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_keeps_its_traceback(caplog):
    with caplog.at_level(logging.WARNING):
        response = Client(raise_request_exception=False).get("/panne-simulee/")
    assert response.status_code == 500
    [record] = request_records(caplog)
    assert record.status_code == 500 and record.exc_info is not None
    assert "RuntimeError: Panne simulée" in logging.Formatter().format(record)
