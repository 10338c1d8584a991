"""A corpus of hostile input, for every form field and query parameter."""

TEXT = [
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31mred\x7f",
    "A" * 100_000,
    "\u202egnp.exe",  # right-to-left override
    "\u2066isolate\u2069\u200b\u200f",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "{{ request }}{% debug %}",
    "' OR 1=1 --",
    "'; DROP TABLE petitions_signature; --",
    "%' AND 1=1 --",
    "\\",
    "x\r\nBcc: victim@example.org",
    "a@b.org\nBcc: c@d.org",
    "😀" * 60,
    "Z̷̛̜a̧l̨g̴o",
    "\ufffe\uffff",
    "",
    " ",
]

# Raw query-string values: sent as typed, without encoding them again.
RAW_QUERY = [
    "%00",
    "%ff%fe",
    "%c0%af",
    "%ed%a0%80",  # an encoded UTF-16 surrogate: invalid UTF-8
    "%",
    "%zz",
    "%E2%80%AE",
    "x" * 10_000,
    "1e999",
    "-1",
    "99999999999999999999999",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%27%20OR%201%3D1%20--",
]

# What would show that input ran: live markup, or the debug tag's output.
SCRIPT_MARKERS = ["<script>alert(1)", "<img src=x onerror", "sql_queries"]
