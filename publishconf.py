"""Production settings: absolute URLs."""
import os
import sys

sys.path.append(os.path.dirname(__file__))
from pelicanconf import *  # noqa: E402,F401,F403

SITEURL = os.environ.get("CIVICHUB_SITEURL", "https://example.org")
RELATIVE_URLS = False
# .gz and .br beside every text file, for hosts and CDNs that serve precompressed files
CIVICHUB_PRECOMPRESS = True
# programme.pdf beside each programme grid (needs WeasyPrint: pip install 'civichub[pdf]')
CIVICHUB_PDF = True
