from django.core.management.base import BaseCommand

from core import signed_note
from petitions import transparency


class Command(BaseCommand):
    help = (
        "Print a new signing key for the petitions' transparency logs (for PLEA_LOG_SIGNING_KEY) and its "
        "verifier key. With --witness NAME, a witness key pair for a partner organisation instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", default="", help="The key's name (default: the logs' name, PLEA_LOG_ORIGIN).")
        parser.add_argument("--witness", action="store_true", help="Make a witness (cosigning) key.")

    def handle(self, *args, name: str = "", witness: bool = False, **options):
        algorithm = signed_note.COSIGNATURE_V1 if witness else signed_note.ED25519
        signer = signed_note.Signer.generate(name or transparency.key_name(), algorithm=algorithm)
        self.stdout.write(f"signer key (secret):   {signer.skey}")
        self.stdout.write(f"verifier key (public): {signer.verifier.vkey}")
