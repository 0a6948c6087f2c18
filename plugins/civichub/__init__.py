"""civichub: a Pelican plugin for civic-tech hubs (events, people, actors, link reviews).

Add "civichub" to PLUGINS in pelicanconf.py. The flow is one-way:
files -> load -> check -> hub -> pages and exports -> output.
"""
from __future__ import annotations

from pathlib import Path


def initialized(pelican):
    from .filters import FILTERS
    from . import filters
    settings = pelican.settings
    settings.setdefault("JINJA_FILTERS", {}).update(
        {k: v for k, v in FILTERS.items() if k not in settings["JINJA_FILTERS"]})
    # Interface language (docs/i18n.md): French by default, "en" for an English interface.
    language = settings.setdefault("CIVICHUB_LANGUAGE", "fr") or "fr"
    from .i18n import for_settings
    filters.use_language(language, for_settings(settings))  # labels made in Python, dates, numbers
    environment = dict(settings.get("JINJA_ENVIRONMENT") or {})
    extensions = list(environment.get("extensions") or [])
    if "jinja2.ext.i18n" not in extensions:
        extensions.append("jinja2.ext.i18n")
    environment["extensions"] = extensions
    # a build reads each template once: without this, every page's imports and extends stat
    # their template files again to see whether they changed
    environment.setdefault("auto_reload", False)
    settings["JINJA_ENVIRONMENT"] = environment
    from .caches import cache_path
    folder = cache_path(settings, "jinja")
    if folder:  # compiled templates survive between builds: compiling them is a tenth of a build
        from jinja2 import FileSystemBytecodeCache
        folder.mkdir(parents=True, exist_ok=True)
        environment = dict(settings.get("JINJA_ENVIRONMENT") or {})
        from .fastjinja import BYTECODE_NAMES
        environment.setdefault("bytecode_cache", FileSystemBytecodeCache(str(folder), BYTECODE_NAMES))
        settings["JINJA_ENVIRONMENT"] = environment
    from .postcache import install
    install(settings)  # Markdown posts and pages read once, then kept while unchanged


def generator_init(generator):
    """Interface strings through gettext: the message ids are the French strings, so French needs
    no catalog; other languages read theme/translations/<lang>/LC_MESSAGES/civichub.po."""
    env = getattr(generator, "env", None)
    if env is None or not hasattr(env, "install_gettext_translations"):
        return
    from .fastjinja import install
    install(env)  # before any template is compiled
    from .i18n import for_settings, template_gettext
    translations = for_settings(generator.settings)
    env.install_gettext_translations(translations, newstyle=True)  # {% trans %}, gettext(), ngettext()
    env.globals["_"] = template_gettext(translations)


def get_generators(pelican):
    from .generator import HubGenerator
    return HubGenerator


def finalized(pelican):
    from .exports.sitemap import write_sitemap
    from .output import files_of
    output = Path(pelican.output_path)
    write_sitemap(output, pelican.settings.get("SITEURL", ""), files_of(pelican.settings, output))


def get_writer(pelican):
    from .writer import ChangeAwareWriter
    return ChangeAwareWriter


def sanitize_content(instance):
    """Posts and pages are contributors' Markdown too: their HTML goes through the same allow-list."""
    from .postcache import is_clean
    from .sanitize import clean
    if getattr(instance, "_content", None) and not is_clean(instance):
        instance._content = clean(instance._content)


def article_generator_finalized(generator):
    from .series import link_series
    link_series(generator)


def register():
    # Pelican imported here, not with the package: civichub's commands that do not build
    # (python -m civichub.search, check's schema tools) start 0.15 s sooner without it
    from pelican import signals
    from .incremental import note_post_reads
    note_post_reads()
    signals.initialized.connect(initialized)
    signals.get_writer.connect(get_writer)
    signals.generator_init.connect(generator_init)
    signals.get_generators.connect(get_generators)
    signals.content_object_init.connect(sanitize_content)
    signals.article_generator_finalized.connect(article_generator_finalized)
    signals.finalized.connect(finalized)
    from .postcache import save
    signals.all_generators_finalized.connect(save)
