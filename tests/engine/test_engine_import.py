import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_it_imports_without_django_or_celery() -> None:
    code = (
        "import sys, riskmonitor.engine\n"
        "assert 'django' not in sys.modules, 'django imported'\n"
        "assert 'celery' not in sys.modules, 'celery imported'\n"
        "assert 'scipy' not in sys.modules, 'scipy imported'\n"
        "print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_it_imports_only_stdlib_and_numpy() -> None:
    allowed = {"numpy", "riskmonitor", "__future__"}
    for path in (ROOT / "riskmonitor" / "engine").glob("*.py"):
        for line in path.read_text().splitlines():
            words = line.split()
            if len(words) >= 2 and words[0] in ("import", "from"):
                top = words[1].split(".")[0]
                assert top in allowed or top in sys.stdlib_module_names, (path.name, line)
