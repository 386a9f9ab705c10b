"""A door's answer as JSON: the same shape from the API and from the scanner page's endpoint."""


def timestamp(value):
    """A stored moment (naive UTC) as RFC 3339 with its offset, as the API writes every moment."""
    return value.isoformat(timespec="seconds") + "Z" if value else None


def answer_json(answer):
    guest, arrival, event = answer.guest, answer.arrival, answer.event
    return {
        "status": str(answer.status),
        "admitted": answer.admitted,
        "colour": answer.colour,
        "reason": answer.reason,
        "look": [str(item) for item in answer.look],
        "replayed": answer.replayed,
        "guest": None if guest is None else {
            "name": guest.name, "company": guest.company, "tier": guest.tier, "companions": guest.companions,
            "dietary": guest.dietary, "notes": guest.notes,
        },
        "checkin": None if arrival is None else {
            "id": arrival.checkin_id, "at": timestamp(arrival.at), "entrance": arrival.entrance, "by": arrival.by,
            "companions": arrival.companions, "walk_in": arrival.walk_in,
        },
        "event": None if event is None else {
            "plan_id": event.plan_id, "title": event.title, "event_day": event.event_day.isoformat(),
        },
    }
