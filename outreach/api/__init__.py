"""The outreach app's REST API, one module per subject; recruiting/api.py registers the viewsets."""
