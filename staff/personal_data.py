"""What the back office holds about people is declared with the models it uses; here, its pages."""

from __future__ import annotations

from privacy.pages import private_section

# The back office shows everyone's data; no crawler has business there.
private_section("admin", title="Zyra", root="admin:index", unlisted=(("admin:index", {}),))
