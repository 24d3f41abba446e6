"""Where a recipient's own links may stand in a campaign: only as a whole link target (P8, P13).

Every message carries the recipient's unsubscribe and preference links, each with a
token that opens that person's choices without signing in. They are filled into the
finished message by plain replacement of their slots (`@@PREFERENCES_URL@@`,
`@@UNSUBSCRIBE_URL@@`). A slot inside another address
(`https://evil.example/?t=@@PREFERENCES_URL@@`), in an image or in raw HTML would send
every recipient's token to whoever owns that address. So a campaign may name a slot only
as the whole target of a Markdown link, `[Preferencat](@@PREFERENCES_URL@@)` (or of a
reference, `[p]: @@PREFERENCES_URL@@`), and never in its subject.

The text as written is checked (its plain-text part is that text), and so is its HTML
before and after sanitising, entities decoded, so that no spelling slips a slot past.
Saving (the model's `clean`), scheduling, starting and test sends refuse such a
campaign; the sending engine checks each finished message again before it sends any.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaigns.markdown import PERSONAL_SLOTS, markdown_html, markdown_to_html

_SLOT = "|".join(re.escape(slot) for slot in PERSONAL_SLOTS)
_TITLE = r"""(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\))"""
# `[text](SLOT)` or `[text](<SLOT> "title")`: the slot is the link's whole target.
_INLINE_TARGET = re.compile(rf"\]\(\s*<?(?P<slot>{_SLOT})>?(?:\s+{_TITLE})?\s*\)")
# `[name]: SLOT`, a reference definition on a line of its own.
_REFERENCE_TARGET = re.compile(
    rf"^ {{0,3}}\[[^\]\n]+\]:[ \t]*<?(?P<slot>{_SLOT})>?(?:[ \t]+{_TITLE})?[ \t]*$",
    re.MULTILINE,
)
_ANY_SLOT = re.compile(_SLOT)
# In a finished plain-text part, a slot stands alone, as a whole address does.
_TEXT_BEFORE = frozenset(" \t\r\n(<")
_TEXT_AFTER = frozenset(" \t\r\n)>")

MISPLACED_IN_BODY = _(
    "Lidhja personale e abonentit (%(slot)s) mund të qëndrojë vetëm si adresa e plotë e "
    "një lidhjeje Markdown, p.sh. [teksti i lidhjes](%(slot)s): jo brenda një adrese tjetër, "
    "në imazh, në HTML apo si tekst. Përndryshe lidhja e secilit abonent do t'i shkonte "
    "dikujt tjetër."
)
MISPLACED_IN_SUBJECT = _("Subjekti nuk mund të përmbajë lidhjen personale të abonentit (%(slot)s).")
MISPLACED_IN_MESSAGE = _(
    "Mesazhi i përgatitur ka një lidhje personale jashtë vendit të saj; nuk dërgohet."
)

BODY_FIELDS = ("body_sq", "body_en")
SUBJECT_FIELDS = ("subject_sq", "subject_en")


class PersonalLinkMisplaced(ValidationError):
    """A recipient's own link stands somewhere other than a whole link target."""


class _SlotFinder(HTMLParser):
    """Count, slot by slot, the <a> elements whose whole href it is; note it anywhere else."""

    def __init__(self) -> None:
        # Entities decoded: `&#64;@PREFERENCES_URL@@` is the slot to a mail client too.
        super().__init__(convert_charrefs=True)
        self.as_links: Counter[str] = Counter()
        self.misplaced: set[str] = set()

    def _note(self, text: str | None) -> None:
        self.misplaced.update(_ANY_SLOT.findall(text or ""))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._note(tag)
        for name, value in attrs:
            self._note(name)
            target = (value or "").strip()
            if tag == "a" and name == "href" and target in PERSONAL_SLOTS:
                self.as_links[target] += 1
            else:
                self._note(value)

    def handle_endtag(self, tag: str) -> None:
        self._note(tag)

    def handle_data(self, data: str) -> None:
        self._note(data)

    def handle_comment(self, data: str) -> None:
        self._note(data)

    def handle_decl(self, decl: str) -> None:
        self._note(decl)

    def handle_pi(self, data: str) -> None:
        self._note(data)

    def unknown_decl(self, data: str) -> None:
        self._note(data)


def _misplaced_in_html(html: str) -> set[str]:
    """Return the slots the HTML holds anywhere but as an <a> element's whole href."""
    finder = _SlotFinder()
    finder.feed(html)
    finder.close()
    written = Counter(_ANY_SLOT.findall(html))
    # A count that differs is a slot the parser did not see as text or attribute, or one
    # spelt with entities, which the message's plain replacement would not fill.
    differing = {slot for slot in PERSONAL_SLOTS if written[slot] != finder.as_links[slot]}
    return finder.misplaced | differing


def _misplaced_in_markdown(source: str) -> set[str]:
    """Return the slots the Markdown holds anywhere but as a whole link target."""
    targets = {
        found.start("slot")
        for pattern in (_INLINE_TARGET, _REFERENCE_TARGET)
        for found in pattern.finditer(source)
    }
    misplaced = {
        found.group() for found in _ANY_SLOT.finditer(source) if found.start() not in targets
    }
    # As written (images and raw HTML still there) and as sent (sanitised).
    misplaced |= _misplaced_in_html(markdown_html(source))
    misplaced |= _misplaced_in_html(markdown_to_html(source))
    return misplaced


def _misplaced_in_text(text: str) -> set[str]:
    misplaced = set()
    for found in _ANY_SLOT.finditer(text):
        before = text[found.start() - 1] if found.start() else " "
        after = text[found.end()] if found.end() < len(text) else " "
        if before not in _TEXT_BEFORE or after not in _TEXT_AFTER:
            misplaced.add(found.group())
    return misplaced


def campaign_links_errors(campaign: object) -> dict[str, list[str]]:
    """Return, field by field, what is wrong with where the campaign puts personal links."""
    errors: dict[str, list[str]] = {}
    for name in BODY_FIELDS:
        for slot in sorted(_misplaced_in_markdown(getattr(campaign, name) or "")):
            errors.setdefault(name, []).append(str(MISPLACED_IN_BODY % {"slot": slot}))
    for name in SUBJECT_FIELDS:
        for slot in sorted(set(_ANY_SLOT.findall(getattr(campaign, name) or ""))):
            errors.setdefault(name, []).append(str(MISPLACED_IN_SUBJECT % {"slot": slot}))
    return errors


def campaign_links_check(campaign: object) -> None:
    """Raise PersonalLinkMisplaced if the campaign puts a personal link anywhere but a
    whole link target."""
    errors = campaign_links_errors(campaign)
    if errors:
        raise PersonalLinkMisplaced(errors)


def message_links_check(*, html: str, text: str) -> None:
    """Raise PersonalLinkMisplaced unless the finished message, before the recipient's links
    are filled in, holds each slot as a whole link: an <a>'s href, an address alone in text."""
    if _misplaced_in_html(html) or _misplaced_in_text(text):
        raise PersonalLinkMisplaced(MISPLACED_IN_MESSAGE)
