"""Helpers for tests that start real processes (a Celery worker)."""
import subprocess


def stop(process, tail=3000):
    """Stops `process` (terminate, then kill after 20 s) and prints the end of its output,
    which pytest shows when the test failed."""
    if process.poll() is None:
        process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output[-tail:])
