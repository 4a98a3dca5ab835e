"""The candidates app's REST API, one module per resource; recruiting/api.py registers the viewsets."""
