"""Machine-readable outputs written from the hub or the finished site."""
