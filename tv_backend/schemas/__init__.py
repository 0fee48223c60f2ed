"""marshmallow schemas: the shapes of requests and responses at the HTTP and CLI edges."""
