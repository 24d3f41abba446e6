"""Staff records live here (training, later). The module also makes Django send this app
its post_migrate signal, which synchronises the role groups (staff/apps.py)."""
