"""The library's web pages for people: search, process pages, compare, sign-in."""
