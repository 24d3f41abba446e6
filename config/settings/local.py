"""Development on one machine: `make run`."""

from config.env import (
    development_secret,
    encryption_key_settings,
    env_bool,
    env_str,
    logging_settings,
)

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY") or development_secret(VAR_DIR)
MAIL_VIEWER_ENABLED = DEBUG
# Links in mail lead to the server `make run` started: its PORT, unless SITE_URL says otherwise.
SITE_URL = (env_str("SITE_URL") or f"http://127.0.0.1:{env_str('PORT', '8000')}").rstrip("/")
# Demo staff sign in with a password alone unless FEJZO_STAFF_2FA=1 (P14 is on in production).
FEJZO_STAFF_2FA = env_bool("FEJZO_STAFF_2FA", False)
vars().update(encryption_key_settings(development_file=VAR_DIR / "keys.env"))
# The log goes to the terminal and to a file (var/log/ unless FEJZO_LOG_FILE says otherwise).
LOGGING = logging_settings(env_str("FEJZO_LOG_FILE") or VAR_DIR / "log" / "fejzo.log", console=True)
