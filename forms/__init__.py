"""Flask-WTF form classes, one module per feature. Validators may call portal.domain, never models or db."""
