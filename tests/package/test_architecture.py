"""The package boundaries the design draws: shared code imports no function, no function imports another, and
tests/ mirrors functions/."""

import ast
from pathlib import Path

import pytest

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
PACKAGES = sorted(p.name for p in FUNCTIONS.iterdir() if (p / "__init__.py").exists())


def _imported_packages(path: Path) -> set[str]:
    """Return the `functions.<package>` names a module imports, wherever in the module the import stands."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "functions" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_imports_only_itself_and_shared(package):
    allowed = {package, "shared"} if package != "shared" else {"shared"}
    for module in sorted((FUNCTIONS / package).rglob("*.py")):
        stray = _imported_packages(module) - allowed
        assert not stray, f"{module.relative_to(FUNCTIONS)} imports functions.{', functions.'.join(sorted(stray))}"


def test_the_four_functions_and_shared_are_all_there():
    assert {"submit", "queue", "issue", "notify", "shared"} <= set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_has_its_tests_in_the_folder_of_the_same_name(package):
    folder = FUNCTIONS.parent / "tests" / package
    assert sorted(folder.glob("test_*.py")), f"tests/{package}/ holds no tests of functions/{package}"
