// Once django-otp-webauthn's script has saved a new passkey, go on to the
// page that says so (and shows recovery codes made with a first passkey).
// Same-origin file: the CSP allows nothing else.
const section = document.getElementById("passkeys");
if (section) {
  section.addEventListener("otp_webauthn.register_complete", () => {
    window.location.assign(section.dataset.addedUrl);
  });
}
