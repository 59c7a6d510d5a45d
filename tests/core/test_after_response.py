"""core.after_response: work started by a request runs once its response has been sent."""

import logging

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from core.after_response import after_response
from tests.wsgi_server import wsgi_server

EVENTS = []


def _record(event):
    EVENTS.append(event)


def _fail():
    raise RuntimeError("le serveur de courriel ne répond pas")


def _queue_then_answer(request):
    after_response(_record, "première tâche")
    after_response(_fail)
    after_response(_record, event="tâche après un échec")
    after_response(after_response, _record, "tâche mise en file par une tâche")
    EVENTS.append("vue terminée")
    return HttpResponse("la réponse")


urlpatterns = [path("travail/", _queue_then_answer)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def events():
    EVENTS.clear()
    yield EVENTS
    EVENTS.clear()


def test_the_work_runs_only_when_the_server_closes_the_response_after_sending_the_body(events):
    with wsgi_server() as send:
        answer = send("GET", "/travail/")
        assert (answer.status, answer.body) == ("200 OK", b"la r\xc3\xa9ponse")
        assert events == ["vue terminée"]  # the body is out, nothing of the work has run
        answer.iterable.close()
    assert events == ["vue terminée", "première tâche", "tâche après un échec", "tâche mise en file par une tâche"]


def test_a_failing_task_is_logged_and_the_next_ones_still_run(events, caplog):
    with caplog.at_level(logging.ERROR, logger="core.after_response"):
        assert Client().get("/travail/").status_code == 200
    assert "tâche après un échec" in events
    assert [record.getMessage() for record in caplog.records] == ["Travail après la réponse en échec : _fail"]
    assert "le serveur de courriel ne répond pas" in caplog.text  # the traceback, not the arguments


def test_with_the_test_client_the_work_is_done_when_the_response_comes_back(events):
    Client().get("/travail/")
    assert events[0] == "vue terminée" and len(events) == 4


def test_outside_a_request_the_work_runs_at_once(events):
    after_response(_record, "tout de suite")
    assert events == ["tout de suite"]


def test_the_work_of_one_request_never_runs_in_the_next(events):
    with wsgi_server() as send:
        first = send("GET", "/travail/")
        first.iterable.close()
        events.clear()
        second = send("GET", "/travail/")
        second.iterable.close()
    assert events == ["vue terminée", "première tâche", "tâche après un échec", "tâche mise en file par une tâche"]
