"""Two owners removing each other at the same moment leave one owner."""

import threading
import time

import pytest
from django.db import connection

from accounts import audit
from petitions import services
from petitions.models import Organiser
from tests.organisers import factories as f


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_owners_removing_each_other_at_once_leave_one_owner(monkeypatch):
    petition = f.open_petition()
    one, other = f.owner_of(petition, "one"), f.owner_of(petition, "other")
    roles = {user: Organiser.objects.get(user=user) for user in (one, other)}
    record = audit.record

    def slow_record(**kwargs):
        # Widen the window between the owner check and the delete.
        time.sleep(0.3)
        return record(**kwargs)

    monkeypatch.setattr(services.audit, "record", slow_record)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def remove(by, victim):
        try:
            start.wait()
            services.organiser_remove(by=by, petition=petition, organiser=roles[victim])
            outcomes.append("removed")
        except services.ActionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=remove, args=pair) for pair in ((one, other), (other, one))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "removed"]
    assert Organiser.objects.filter(petition=petition, role="owner").count() == 1
