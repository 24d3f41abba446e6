"""The visitor's own blocks, for the pages that show them in place of the best-sellers (P7)."""

from __future__ import annotations

from django import template
from django.template.context import RequestContext

from personalisation.blocks import PersonalBlocks, personal_blocks

register = template.Library()


@register.simple_tag(name="personal_blocks", takes_context=True)
def personal_blocks_tag(
    context: RequestContext, current: int | None = None
) -> PersonalBlocks | None:
    """Return this visitor's blocks, or None where the page shows the best-sellers instead.

    Use it with ``as`` and outside every ``{% cache %}`` block: the blocks are this
    visitor's own and must never reach a fragment other visitors are served.
    """
    return personal_blocks(context.request, current=current)
