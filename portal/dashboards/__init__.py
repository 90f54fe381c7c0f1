"""The dashboards: the platform's and a tenant's, each reading every app (the top layer, with
the URLs and the demo seeding; no app imports it)."""
