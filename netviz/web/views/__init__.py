"""Page views, one module per page: thin functions that look up, call a service and render."""
