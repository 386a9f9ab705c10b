from flask import Blueprint

# One blueprint for the package; its pages live in several view modules.
bp = Blueprint("customers", __name__, url_prefix="/customers")
