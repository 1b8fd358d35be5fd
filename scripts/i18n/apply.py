"""Apply a {msgid: msgstr} table to the zh_Hans catalogue: fills untranslated and fuzzy entries.

Usage: uv run --with polib python scripts/i18n/apply.py TABLE.py   (TABLE.py defines T = {...};
plural entries take a tuple of forms; an entry with a context is keyed "context\x04msgid"). Prints what is still untranslated.
"""

import runpy
import sys

import polib

CATALOGUE = "locale/zh_Hans/LC_MESSAGES/django.po"

table = runpy.run_path(sys.argv[1])["T"]
po = polib.pofile(CATALOGUE)
for entry in po:
    key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
    if entry.obsolete or key not in table:
        continue
    if entry.translated() and "fuzzy" not in entry.flags:
        continue
    value = table[key]
    if entry.msgid_plural:
        forms = value if isinstance(value, tuple) else (value,)
        entry.msgstr_plural = dict(enumerate(forms))
    else:
        entry.msgstr = value
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = None
    entry.previous_msgid_plural = None
po.save(CATALOGUE)
missing = [entry.msgid for entry in po if not entry.obsolete and (not entry.translated() or "fuzzy" in entry.flags)]
print(f"{len(missing)} untranslated:")
for msgid in missing:
    print("  ", repr(msgid))
