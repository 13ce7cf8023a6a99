"""Django management commands of the netviz web app."""
