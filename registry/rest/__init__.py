"""The API machinery every app's viewsets share: pagination, authentication, throttles, permissions, content
negotiation, schema documentation, the base viewset with ETags and streamed exports, and facets."""
