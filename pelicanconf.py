"""Settings of the sample hub. publishconf.py adds what production needs."""

AUTHOR = "civichub"
SITENAME = "Hub de la civic tech"
SITEURL = ""
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
RELATIVE_URLS = True

PLUGINS = ["civichub"]
CIVICHUB_CACHE_PATH = ".cache"  # compiled templates, kept between builds (safe to delete)

# Stable identity of calendar entries and schedule GUIDs: never change it once published,
# or subscribers get every session twice.
CIVICHUB_UID_DOMAIN = "hub-civictech.example"

# "Modifier cette page" links to the content file in the repository's web editor.
CIVICHUB_EDIT_URL = "https://github.com/civichub/hub-civictech/edit/main/{path}"

# Autoescape everything: HTML enters templates only as Markup (rendered Markdown).
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

# Hub content (actors, people, events, roundups, data) is read by the civichub plugin;
# Pelican itself reads only posts and pages.
ARTICLE_PATHS = ["posts"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]

ARTICLE_URL = "blog/{slug}/"
ARTICLE_SAVE_AS = "blog/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
INDEX_SAVE_AS = "blog/index.html"
ARCHIVES_SAVE_AS = "blog/archives/index.html"
TAG_URL = "blog/tags/{slug}/"
TAG_SAVE_AS = "blog/tags/{slug}/index.html"
TAGS_SAVE_AS = "blog/tags/index.html"
CATEGORY_URL = "blog/{slug}/"
CATEGORY_SAVE_AS = "blog/{slug}/index.html"
CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "archives", "tags"]
DEFAULT_PAGINATION = 20

FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

MENUITEMS = []
DISPLAY_PAGES_ON_MENU = False

# civichub: the session formats this hub uses, identifier -> label.
CIVICHUB_FORMATS = {
    "table-ronde": "Table ronde",
    "atelier": "Atelier",
    "retour-experience": "Retour d'expérience",
    "centrifugeuse": "Centrifugeuse",
    "pitch": "Pitch",
    "keynote": "Keynote",
    "capsule": "Capsule",
    "conference": "Conférence",
    "presentation": "Présentation",
    "debat": "Débat",
    "ouverture": "Ouverture",
    "pause": "Pause",
    "dejeuner": "Déjeuner",
    "soiree": "Soirée",
}
