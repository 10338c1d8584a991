from petitions.qr import qr_svg


def test_the_svg_is_inline_and_titled():
    svg = qr_svg("https://plea.example.org/en/petitions/free-them/", title="Sign online")
    assert svg.startswith("<svg")
    assert "<title>Sign online</title>" in svg
    assert "http" not in svg.split(">", 1)[0]  # no external reference in the element itself


def test_different_addresses_draw_different_codes():
    assert qr_svg("https://plea.example.org/en/a/") != qr_svg("https://plea.example.org/en/b/")
