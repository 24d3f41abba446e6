"""P12: what erasure says it does to the consent ledger is what it does.

The ledger holds no name and no email: a random consent number and a keyed hash of
the browser's user agent, beside the choices themselves. Erasure gives the number a
new random value, empties the hash and keeps the choices as proof.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from django.utils.translation import override

from consent.models import ConsentDecision, DecisionAction, DecisionChannel
from rights.erasure.engine import ErasureCause, Outcome, erase_people
from rights.erasure.report import erasure_plan, field_label
from rights.models import ErasedSubject

pytestmark = pytest.mark.django_db

CONSENT_ID = "a" * 32
USER_AGENT_HASH = "b" * 64


def _decision(user):  # type: ignore[no-untyped-def]
    return ConsentDecision.objects.create(
        consent_id=CONSENT_ID,
        user=user,
        action=DecisionAction.ACCEPT_ALL,
        channel=DecisionChannel.values[0],
        analytics=True,
        personalisation=False,
        banner_revision=1,
        policy_version=1,
        user_agent_hash=USER_AGENT_HASH,
        decided_at=timezone.now(),
    )


def _ledger_lines(user):  # type: ignore[no-untyped-def]
    with override("sq"):
        labels = {
            field_label("consent.ConsentDecision.consent_id"): "consent_id",
            field_label("consent.ConsentDecision.user_agent_hash"): "user_agent_hash",
        }
        return {
            labels[line.label]: line for line in erasure_plan(user=user) if line.label in labels
        }


def test_p12_the_plan_promises_no_pseudonym_for_a_name_or_email_the_ledger_lacks(customer):
    # when
    lines = _ledger_lines(customer)
    # then
    assert set(lines) == {"consent_id", "user_agent_hash"}
    for line in lines.values():
        assert line.outcome == Outcome.ANONYMISED
        assert "pseudonim" not in line.reason
        assert "Emri" not in line.reason
        assert "email" not in line.reason.lower()
        assert "mbeten si provë" in line.reason
    assert "numër të ri të rastësishëm" in lines["consent_id"].reason
    assert lines["user_agent_hash"].reason.startswith("Fshihet")


def test_p12_erasure_does_to_the_ledger_what_the_plan_says(customer):
    # given
    decision = _decision(customer)
    # when
    erase_people([customer.pk], cause=ErasureCause.REQUEST)
    # then: a new random number, no browser hash, the choices kept as proof
    decision.refresh_from_db()
    pseudonym = ErasedSubject.objects.get(user_id=customer.pk).pseudonym
    assert decision.consent_id != CONSENT_ID
    assert len(decision.consent_id) == 32
    int(decision.consent_id, 16)  # random hex, not a pseudonym
    assert pseudonym.lower() not in decision.consent_id.lower()
    assert decision.user_agent_hash == ""
    assert (decision.analytics, decision.personalisation) == (True, False)
    assert decision.user_id == customer.pk
