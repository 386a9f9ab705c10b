"""What the customer pages share."""
from app.auth.models import Role

VIEWERS = (Role.PLANNER, Role.MANAGER, Role.ADMIN)
IMPORTERS = (Role.PLANNER, Role.ADMIN)
