"""`flask checkin scan` and `flask checkin undo`: the same rule and service from the shell."""
from app.checkin.models import CheckIn
from app.extensions import db


def test_scan_and_undo_from_the_shell(app, door_plan, make_guest, make_user):
    guest = make_guest(name="张伟")
    planner = make_user(roles=("planner",), email="door@example.com")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["checkin", "scan", "--plan", str(door_plan.id), "--as", planner.email,
                                 f"RAPPORT:{guest.checkin_token}"])
    assert result.exit_code == 0 and result.output.startswith("ok (green): 张伟"), result.output
    again = runner.invoke(args=["checkin", "scan", "--plan", str(door_plan.id), "--as", planner.email,
                                guest.checkin_token])
    assert again.output.startswith("already_checked_in (red)")
    checkin = db.session.query(CheckIn).filter_by(invitation_id=guest.id).one()
    undone = runner.invoke(args=["checkin", "undo", "--plan", str(door_plan.id), "--as", planner.email,
                                 "--reason", "扫错了", str(checkin.id)])
    assert undone.exit_code == 0, undone.output


def test_the_shell_asks_the_same_access_rule(app, door_plan, make_user):
    manager = make_user(roles=("manager",), email="boss@example.com")
    result = app.test_cli_runner().invoke(args=["checkin", "scan", "--plan", str(door_plan.id), "--as", manager.email,
                                                "RAPPORT:whatever"])
    assert result.exit_code != 0 and "does not check guests in" in result.output
