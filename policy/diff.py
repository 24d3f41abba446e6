"""A readable difference between two versions of a document, paragraph then word (P2).

The texts are compared paragraph by paragraph (a line of the text is a paragraph);
a paragraph that changed a little is compared again word by word, one that changed
beyond recognition is shown removed and added whole. The result is plain data: the
template marks it up with <ins> and <del> and words a screen reader says, so a change
never shows by colour alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

Op = Literal["same", "added", "removed"]
BlockKind = Literal["same", "added", "removed", "changed"]

# Below this likeness two paragraphs are shown as one removed and one added, not interleaved.
WORD_DIFF_MIN_RATIO = 0.5
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    segments: tuple[Segment, ...]


@dataclass
class TextDiff:
    blocks: list[Block] = field(default_factory=list)

    def count(self, kind: BlockKind) -> int:
        return sum(1 for block in self.blocks if block.kind == kind)

    @property
    def added(self) -> int:
        return self.count("added")

    @property
    def removed(self) -> int:
        return self.count("removed")

    @property
    def changed(self) -> int:
        return self.count("changed")

    @property
    def has_changes(self) -> bool:
        return any(block.kind != "same" for block in self.blocks)


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def _whole(kind: Op, text: str) -> Block:
    return Block(kind, (Segment(kind, text),))


def _word_diff(old: str, new: str) -> tuple[Segment, ...]:
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    segments: list[Segment] = []

    def add(op: Op, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if segments and segments[-1].op == op:
            segments[-1] = Segment(op, segments[-1].text + text)
        else:
            segments.append(Segment(op, text))

    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("same", before[i1:i2])
        else:
            add("removed", before[i1:i2])
            add("added", after[j1:j2])
    return tuple(segments)


def text_diff(old: str, new: str) -> TextDiff:
    """Return the difference from `old` to `new`, every paragraph of both in reading order."""
    before, after = _paragraphs(old), _paragraphs(new)
    diff = TextDiff()
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            diff.blocks.extend(_whole("same", text) for text in before[i1:i2])
            continue
        removed, added = before[i1:i2], after[j1:j2]
        for index in range(max(len(removed), len(added))):
            old_text = removed[index] if index < len(removed) else None
            new_text = added[index] if index < len(added) else None
            if old_text is not None and new_text is not None:
                likeness = SequenceMatcher(None, old_text, new_text, autojunk=False).ratio()
                if likeness >= WORD_DIFF_MIN_RATIO:
                    diff.blocks.append(Block("changed", _word_diff(old_text, new_text)))
                    continue
            if old_text is not None:
                diff.blocks.append(_whole("removed", old_text))
            if new_text is not None:
                diff.blocks.append(_whole("added", new_text))
    return diff
