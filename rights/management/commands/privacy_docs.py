from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from rights.docs import data_map_markdown, retention_markdown, role_matrix_markdown

DOCUMENTS = {
    "data-map.md": data_map_markdown,
    "role-matrix.md": role_matrix_markdown,
    "retention.md": retention_markdown,
}


class Command(BaseCommand):
    help = (
        "Write docs/data-map.md, role-matrix.md and retention.md from the code that enforces them."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        docs = Path(settings.BASE_DIR) / "docs"
        for name, render in DOCUMENTS.items():
            (docs / name).write_text(render())
            self.stdout.write(f"wrote docs/{name}")
