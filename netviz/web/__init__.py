"""The netviz web app: stored reviews, uploads, pages and the JSON API."""
