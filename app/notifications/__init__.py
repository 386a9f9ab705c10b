"""In-app notices to users (the e-mail goes out beside them)."""
