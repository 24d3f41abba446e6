"""Development on one machine: `make run`."""

from config.env import development_secret, env_bool, env_str

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY") or development_secret(VAR_DIR)
MAIL_VIEWER_ENABLED = DEBUG
