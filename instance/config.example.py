# Copy to instance/config.py and adjust. Environment variables (PORTAL_<KEY>, DATABASE_URL) override these.

# SECRET_KEY = "a long random string"   # otherwise one is created in instance/secret_key on first start
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://portal:password@127.0.0.1/portal"
# MAIL_SERVER = "smtp.example.org"
# MAIL_PORT = 587
# MAIL_USE_TLS = True
# MAIL_USERNAME = "portal"
# MAIL_PASSWORD = "..."
# MAIL_DEFAULT_SENDER = ("Bothal Primary School", "attendance@bothal.example.org")
# PORTAL_BASE_URL = "https://attendance.example.org"
# SESSION_COOKIE_SECURE = True
