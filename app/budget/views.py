"""The budget pages of a plan."""
from flask import Blueprint

bp = Blueprint("budget", __name__)
