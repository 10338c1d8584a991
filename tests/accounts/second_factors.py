"""Second factors for tests: devices as enrolment leaves them, and the codes
an authenticator app would show."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = [f"code{n:04d}ab" for n in range(10)]


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the app shows now (or `steps_ahead` steps of 30 s later: a code
    is accepted once, so a second sign-in in the same half minute needs the
    next one, which the device's tolerance of one step allows)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrolled(user) -> TOTPDevice:
    """An account with an authenticator app and ten recovery codes."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    codes = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.bulk_create([StaticToken(device=codes, token=code) for code in RECOVERY_CODES])
    return device
