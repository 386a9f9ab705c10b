from flask import Blueprint

bp = Blueprint("auth", __name__)
# The administrators' API token pages keep their own blueprint (endpoints api_tokens.*).
tokens_bp = Blueprint("api_tokens", __name__, url_prefix="/admin/api-tokens")
