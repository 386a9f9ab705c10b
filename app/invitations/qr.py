"""QR codes of check-in tokens, rendered on demand and cached in memory (never stored
per guest): the same token always gives the same PNG."""
from functools import lru_cache
from io import BytesIO

import qrcode
from qrcode.constants import ERROR_CORRECT_M

CHECKIN_PREFIX = "RAPPORT:"  # tells the door scanner this code is ours
MASK_PATTERN = 0


def checkin_payload(token):
    return f"{CHECKIN_PREFIX}{token}"


@lru_cache(maxsize=2048)
def qr_png(payload, box_size=8):
    """PNG bytes of a QR code for `payload` (medium error correction, a quiet zone of 4)."""
    # A fixed mask: trying all eight for the "best" costs five times the time (a bulk send renders
    # one code per guest), and every mask is valid, which every decoder reads.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4, mask_pattern=MASK_PATTERN)
    code.add_data(payload)
    code.make(fit=True)
    buffer = BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def checkin_png(token, box_size=8):
    return qr_png(checkin_payload(token), box_size)
