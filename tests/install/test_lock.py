"""The locks (`make lock`) against the requirements they pin: read from the files, no network.

requirements-lock.txt pins every package of the venv with its hashes and covers every direct
dependency of the four pyprojects and requirements-dev.txt; each of those has an upper bound;
ruff is pinned exactly; deploy/requirements-lock.txt (the images') is a subset at the same
versions.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements-lock.txt"
IMAGE_LOCK = ROOT / "deploy" / "requirements-lock.txt"
DEV = ROOT / "requirements-dev.txt"
PYPROJECTS = [
    ROOT / "shared" / "pyproject.toml",
    *(ROOT / "services" / s / "pyproject.toml" for s in ("registration", "teams", "notifications")),
]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def entries(lock: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of each pin, a pin's continuation lines joined to it."""
    text = re.sub(r"\\\n\s*", " ", lock.read_text())
    pins: dict[str, tuple[str, list[str]]] = {}
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            name = canonicalize_name(match[1])
            assert name not in pins, f"{name} pinned twice in {lock.name}"
            pins[name] = (match[2], re.findall(r"--hash=sha256:([0-9a-f]{64})", line))
    return pins


def dev_requirements() -> list[Requirement]:
    lines = (line.split("#", 1)[0].strip() for line in DEV.read_text().splitlines())
    return [Requirement(line) for line in lines if line]


def project_requirements(pyproject: Path) -> list[Requirement]:
    data = tomllib.loads(pyproject.read_text())
    project = data["project"]
    texts = [
        *project["dependencies"],
        *(r for extra in project.get("optional-dependencies", {}).values() for r in extra),
        *data["build-system"]["requires"],
    ]
    return [Requirement(text) for text in texts]


LOCAL = {canonicalize_name(tomllib.loads(p.read_text())["project"]["name"]) for p in PYPROJECTS}
DIRECT = [
    pytest.param(r, id=f"{source.parent.name or 'dev'}:{r.name}")
    for source, requirements in [
        *((p, project_requirements(p)) for p in PYPROJECTS),
        (Path("requirements-dev.txt"), dev_requirements()),
    ]
    for r in requirements
]


def upper_bound(requirement: Requirement) -> bool:
    return any(spec.operator in {"<", "==", "~="} for spec in requirement.specifier)


def test_every_pin_has_hashes() -> None:
    for lock in (LOCK, IMAGE_LOCK):
        pins = entries(lock)
        assert pins, f"{lock.name} pins nothing"
        unhashed = sorted(name for name, (_, hashes) in pins.items() if not hashes)
        assert not unhashed, f"{lock} has pins without hashes: {unhashed}"


def test_the_locks_hold_no_local_package() -> None:
    for lock in (LOCK, IMAGE_LOCK):
        assert not LOCAL & set(entries(lock)), f"{lock} pins a package of this repository"


@pytest.mark.parametrize("requirement", DIRECT)
def test_the_lock_covers_each_direct_dependency_in_its_bounds(requirement: Requirement) -> None:
    if canonicalize_name(requirement.name) in LOCAL:
        return
    pins = entries(LOCK)
    name = canonicalize_name(requirement.name)
    assert name in pins, f"{requirement} is not in requirements-lock.txt: run make lock"
    version = pins[name][0]
    assert requirement.specifier.contains(version, prereleases=True), (
        f"requirements-lock.txt pins {name}=={version}, outside {requirement}: run make lock"
    )


@pytest.mark.parametrize("requirement", DIRECT)
def test_each_direct_dependency_has_an_upper_bound(requirement: Requirement) -> None:
    assert upper_bound(requirement), f"{requirement} has no upper bound (<next untested major)"


def test_ruff_is_pinned_exactly() -> None:
    (ruff,) = [r for r in dev_requirements() if canonicalize_name(r.name) == "ruff"]
    assert [spec.operator for spec in ruff.specifier] == ["=="], ruff
    (spec,) = ruff.specifier
    assert entries(LOCK)["ruff"][0] == spec.version


def test_the_image_lock_is_a_subset_at_the_same_versions() -> None:
    main, image = entries(LOCK), entries(IMAGE_LOCK)
    assert set(image) <= set(main), sorted(set(image) - set(main))
    differing = {n: (main[n][0], v) for n, (v, _) in image.items() if main[n][0] != v}
    assert not differing, f"versions differ (main, image): {differing}"


def test_the_image_lock_holds_the_services_runtime_only() -> None:
    image = entries(IMAGE_LOCK)
    for tool in ("pytest", "ruff", "hypothesis", "testcontainers", "schemathesis"):
        assert tool not in image, f"{tool} is a test tool, not the images'"
    runtime = {
        canonicalize_name(r.name)
        for p in PYPROJECTS
        for r in map(Requirement, tomllib.loads(p.read_text())["project"]["dependencies"])
    } - LOCAL
    assert runtime <= set(image), sorted(runtime - set(image))


def test_the_dockerfile_installs_from_the_image_lock_with_hashes() -> None:
    dockerfile = (ROOT / "deploy" / "service.Dockerfile").read_text()
    assert "--require-hashes --no-deps -r deploy/requirements-lock.txt" in dockerfile
    installs = [line for line in dockerfile.splitlines() if "pip install" in line]
    assert all("--no-deps" in line for line in installs), installs


def test_make_install_installs_from_the_lock_with_hashes() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes --no-deps -r $(LOCK)" in makefile
    assert "pip check" in makefile
