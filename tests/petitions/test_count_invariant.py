"""The public count always equals the confirmed, valid signatures, whatever
signers and moderators do in whatever order; the transparency log counts the
same, and every checkpoint signed along the way says so."""

import pytest
from django.utils import timezone
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from core import signed_note
from core import transparency_log as tlog
from petitions import paper, signing, transparency
from petitions.email_keys import email_hash
from petitions.models import InvalidTransition, LogEntry, PaperBatch, Signature
from petitions.moderation import RULE_ACTIONS, ModerationRefused, Rule, rule_preview, signatures_moderate_by_rule
from tests.organisers.factories import moderator_of, owner_of
from tests.petitions.factories import assert_log_counts, open_petition

ADDRESSES = st.sampled_from(
    ["amina@example.org", "AMINA@example.org", " amina+x@example.org", "bilal@gmail.com", "b.ilal@gmail.com",
     "chen@example.net", "dana@example.com"]
)  # fmt: skip


class Signing(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.petition = open_petition()
        self.moderator = moderator_of(self.petition)
        self.owner = owner_of(self.petition)
        self.checkpoints = []

    def signatures(self):
        return list(Signature.objects.filter(petition=self.petition).order_by("pk"))

    @rule(email=ADDRESSES)
    def sign(self, email):
        signing.signature_create(
            petition=self.petition,
            full_name="Signer",
            email=email,
            country="KZ",
            reason="",
            show_publicly=False,
            wants_updates=False,
            ip_address="203.0.113.9",
            language="en",
        )

    @rule(index=st.integers(min_value=0, max_value=20))
    def confirm(self, index):
        signatures = self.signatures()
        if signatures:
            try:
                signatures[index % len(signatures)].confirm()
            except InvalidTransition:
                pass

    @rule(index=st.integers(min_value=0, max_value=20))
    def confirm_a_stale_copy_twice(self, index):
        signatures = self.signatures()
        if signatures:
            stale = signatures[index % len(signatures)]
            for _ in range(2):
                try:
                    Signature.objects.get(pk=stale.pk).confirm()
                except InvalidTransition:
                    pass

    @rule(index=st.integers(min_value=0, max_value=20))
    def withdraw(self, index):
        signatures = self.signatures()
        if signatures:
            try:
                signatures[index % len(signatures)].withdraw()
            except InvalidTransition:
                pass

    def one_signature(self, index):
        signatures = self.signatures()
        return signatures[index % len(signatures)] if signatures else None

    @rule(index=st.integers(min_value=0, max_value=20), hidden=st.booleans())
    def hide_or_restore(self, index, hidden):
        if signature := self.one_signature(index):
            try:
                signature.hide() if hidden else signature.unhide()
            except InvalidTransition:
                pass

    @rule(index=st.integers(min_value=0, max_value=20), reason=st.sampled_from(Signature.Reason.values))
    def invalidate(self, index, reason):
        if signature := self.one_signature(index):
            try:
                signature.invalidate(reason=reason)
            except InvalidTransition:
                pass

    @rule(index=st.integers(min_value=0, max_value=20))
    def withdraw_as_the_signer(self, index):
        signatures = self.signatures()
        if signatures:
            try:
                signing.signature_withdraw(signature=signatures[index % len(signatures)])
            except InvalidTransition:
                pass

    @rule(index=st.integers(min_value=0, max_value=20))
    def confirm_from_the_link(self, index):
        """What the confirm link does: confirms, or records the confirmation of
        a signature held for review without counting it."""
        signatures = self.signatures()
        if signatures:
            signature = signatures[index % len(signatures)]
            try:
                if signature.state == Signature.State.INVALIDATED and signature.confirmed_at is None:
                    signature.confirm_while_held()
                else:
                    signature.confirm()
            except InvalidTransition:
                pass

    @rule(index=st.integers(min_value=0, max_value=20))
    def reinstate(self, index):
        if signature := self.one_signature(index):
            try:
                signature.reinstate()
            except InvalidTransition:
                pass

    @rule(domain=st.sampled_from(["example.org", "gmail.com", "example.net"]), action=st.sampled_from(RULE_ACTIONS))
    def moderate_a_domain_by_rule(self, domain, action):
        rule = Rule(domain=domain)
        preview = rule_preview(petition=self.petition, rule=rule, action=action)
        self.petition.refresh_from_db()
        before = self.petition.signature_count
        try:
            result = signatures_moderate_by_rule(
                by=self.moderator,
                petition=self.petition,
                rule=rule,
                action=action,
                max_id=preview.max_id,
                expected_touched=preview.touched,
                expected_counted=preview.counted,
            )
        except ModerationRefused:
            return
        self.petition.refresh_from_db()
        assert (result.changed, result.count_delta) == (preview.touched, preview.count_delta)
        assert self.petition.signature_count == before + result.count_delta

    @rule(email=ADDRESSES)
    def withdraw_after_invalidate_and_sign_again(self, email):
        """The attack: a fraud signature withdrawn, the same mailbox signing
        again. The new signature must be held, whatever state the old was in."""
        self.sign(email=email)
        [signature] = [s for s in self.signatures() if s.email_key == email_hash(email)]
        try:
            signature.invalidate(reason="fraud")
        except InvalidTransition:
            return
        counted_before = self.counted()
        signing.signature_withdraw(signature=signature)
        self.sign(email=email)
        again = Signature.objects.get(petition=self.petition, email_key=email_hash(email))
        assert again.state == Signature.State.INVALIDATED
        assert again.review_flag == Signature.Flag.SIGNED_AGAIN
        assert self.counted() == counted_before

    @rule(count=st.integers(min_value=1, max_value=500))
    def record_a_paper_batch(self, count):
        paper.paper_batch_record(
            by=self.owner,
            petition=self.petition,
            count=count,
            gathered_on=timezone.localdate(),
            place="Vigil",
            collected_by="Aigerim",
        )

    @rule(index=st.integers(min_value=0, max_value=5), count=st.integers(min_value=1, max_value=500))
    def change_a_paper_batch(self, index, count):
        batches = list(PaperBatch.objects.filter(petition=self.petition).order_by("pk"))
        if batches:
            batch = batches[index % len(batches)]
            paper.paper_batch_edit(by=self.owner, batch=batch, fields={"count": count}, reason="Recounted")

    @rule(index=st.integers(min_value=0, max_value=5))
    def remove_a_paper_batch(self, index):
        batches = list(PaperBatch.objects.filter(petition=self.petition).order_by("pk"))
        if batches:
            paper.paper_batch_delete(by=self.owner, batch=batches[index % len(batches)], reason="Duplicate")

    @rule()
    def sign_a_checkpoint(self):
        """The batched job: its checkpoint counts what the petition shows, and
        is consistent with every checkpoint before it."""
        checkpoint = transparency.make_checkpoint(petition_id=self.petition.pk)
        if checkpoint is None:
            return
        self.petition.refresh_from_db()
        assert checkpoint.count == self.petition.total_signature_count
        assert checkpoint.online_count == Signature.objects.filter(petition=self.petition).counted().count()
        text, _ = signed_note.open_note(checkpoint.note, transparency.signer().verifier)
        leaves = [
            tlog.leaf_hash(t.encode())
            for t in LogEntry.objects.filter(petition=self.petition).order_by("index").values_list("text", flat=True)
        ]
        read = tlog.memory_reader(leaves)
        assert tlog.Checkpoint.parse(text).root_hash == tlog.root(checkpoint.size, read)
        for earlier in self.checkpoints:
            proof = tlog.consistency_proof(
                earlier.size, checkpoint.size, transparency.reader(self.petition.pk, checkpoint.size)
            )
            tlog.verify_consistency(
                earlier.size, checkpoint.size, proof, bytes(earlier.root_hash), bytes(checkpoint.root_hash)
            )
        self.checkpoints.append(checkpoint)

    def counted(self) -> int:
        self.petition.refresh_from_db()
        return self.petition.signature_count

    @invariant()
    def count_equals_confirmed_signatures(self):
        self.petition.refresh_from_db()
        counted = Signature.objects.filter(petition=self.petition).counted().count()
        assert self.petition.signature_count == counted

    @invariant()
    def the_log_counts_what_the_petition_shows(self):
        assert_log_counts(self.petition)

    @invariant()
    def one_live_signature_per_person(self):
        keys = list(
            Signature.objects.filter(petition=self.petition, email_key__isnull=False).values_list(
                "email_key", flat=True
            )
        )
        assert len(keys) == len(set(keys))


@pytest.mark.django_db
def test_the_count_stays_exact_through_any_sequence_of_signing_and_moderation():
    run_state_machine_as_test(
        Signing, settings=hypothesis_settings(max_examples=60, stateful_step_count=25, deadline=None)
    )
