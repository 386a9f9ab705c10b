"""What a scanner reads: `RAPPORT:<checkin_token>` (the QR code, app/invitations/qr.py) or the bare
token typed or wedged in. Anything else is refused here, before any database lookup."""
import hashlib

from app.invitations.qr import CHECKIN_PREFIX
from app.invitations.services import well_formed

CODE_MAX = 128  # a real code is 8 + 32 characters; far longer is never looked at


def token_from_code(code):
    """The check-in token a scanned code carries, or None when it cannot be one of ours."""
    if not isinstance(code, str) or len(code) > CODE_MAX:
        return None
    code = code.strip()
    if code[:len(CHECKIN_PREFIX)].upper() == CHECKIN_PREFIX:
        code = code[len(CHECKIN_PREFIX):]
    return code if well_formed(code) else None


def code_hash(code):
    """SHA-256 of what was scanned (of the token when there is one, as the offline list will hold
    it): attempts keep this, never the code."""
    token = token_from_code(code)
    raw = token if token is not None else str(code)[:CODE_MAX * 4]
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()
