"""Posts in a series ('Series: name', 'Series_index: n'): each post learns its siblings."""
from __future__ import annotations

from collections import defaultdict


def link_series(generator) -> None:
    series = defaultdict(list)
    for article in generator.articles:
        name = getattr(article, "series", "")
        if name:
            series[name].append(article)
    for posts in series.values():
        posts.sort(key=lambda a: (int(getattr(a, "series_index", 0) or 0), a.date))
        for article in posts:
            article.series_posts = posts
