"""Signing up as a person does: the form, then the link of the e-mail it sends, opened in the same browser."""

import re

from django.core import mail

SIGNUP_SENT = "/compte/inscription/envoyee/"
LINK = re.compile(r"(https?://[^/\s]+)(/compte/inscription/confirmation/\S+)")


def confirmation_link(message):
    """(site, path with its query) of the confirmation link in an e-mail."""
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1), found.group(2)


def request_sign_up(client, fields, url="/compte/inscription/"):
    """Post the form; the one e-mail it sent. The answer is the same whether the address has an account or not."""
    sent = len(mail.outbox)
    response = client.post(url, fields)
    assert response.status_code == 302 and response["Location"] == SIGNUP_SENT, response
    assert len(mail.outbox) == sent + 1
    return mail.outbox[-1]


def sign_up(client, fields, url="/compte/inscription/", follow=False):
    """Post the form, open the link it e-mails, activate the account: the answer to the activation."""
    path = confirmation_link(request_sign_up(client, fields, url))[1]
    assert client.get(path).status_code == 200
    return client.post(path, follow=follow)

