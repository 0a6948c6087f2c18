"""Pelican's Markdown posts and pages are read once and kept while unchanged (postcache.py): a
rebuild converts no Markdown again, an edited post is read again, other settings start anew."""
from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pelican.readers import MarkdownReader

from civichub.build import build

from conftest import copy_of_sample

POST = "posts/et-si-la-civic-tech-etait-vouee-a-l-echec-1-4.md"
PAGE = "blog/et-si-la-civic-tech-etait-vouee-a-l-echec-1-4/index.html"


@pytest.fixture
def hub(tmp_path) -> Path:
    return copy_of_sample(tmp_path)


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The files Pelican's Markdown reader converts."""
    seen: list[str] = []
    original = MarkdownReader.read

    def read(self, source_path):
        seen.append(Path(source_path).name)
        return original(self, source_path)
    monkeypatch.setattr(MarkdownReader, "read", read)
    return seen


def tags_of(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return sorted(a.get_text(strip=True) for a in soup.select('a[href*="/tags/"]'))


def test_posts_are_read_once_then_again_when_changed(hub, reads):
    output = build(hub / "pelicanconf.py")
    first = (output / PAGE).read_bytes()
    assert Path(POST).name in reads
    reads.clear()
    build(hub / "pelicanconf.py", full=True)  # every page made again, from the kept posts
    assert reads == []
    assert (output / PAGE).read_bytes() == first  # tags, dates and summary as read the first time
    assert tags_of(output / PAGE)

    post = hub / "content" / POST
    post.write_text(post.read_text(encoding="utf-8").replace("Tags: civic tech,", "Tags: civic tech, budget,"),
                    encoding="utf-8")
    build(hub / "pelicanconf.py")
    assert reads == [Path(POST).name]
    assert "budget" in tags_of(output / PAGE)


def test_other_settings_read_every_post_again(hub, reads):
    build(hub / "pelicanconf.py")
    count = len(reads)
    reads.clear()
    settings = hub / "pelicanconf.py"
    settings.write_text(settings.read_text(encoding="utf-8") + "\nSUMMARY_MAX_LENGTH = 12\n", encoding="utf-8")
    build(hub / "pelicanconf.py")
    assert len(reads) == count > 3
