"""Settings for the benchmark suite only: production's (config.settings, read
from the same environment) plus the URLconf that mounts the bare yardstick
views. Production never imports this module, so no environment variable
there can mount them."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
