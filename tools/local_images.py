"""Images for the compose stack on a machine that cannot pull public images.

`python -m tools.local_images` prints the compose files to use: docker-compose.yml alone when the
public images are here or can be pulled; else it builds the images deploy/compose.local.yml names
— a Debian bookworm base (debootstrap, imported), Python, RabbitMQ and PostgreSQL from Debian's
packages (deploy/images/) — and adds that override. An image is rebuilt only when its recipe
changed: each carries a label with its recipe's hash (the base's image id included), so a second
run builds nothing.

The base's / must be 0755: `docker import` gives / the mode of the tar's "." entry, and a
debootstrap directory from mkdtemp is 0700, which denies every non-root user (PostgreSQL's
`postgres`, the services' `association`) any file of the image. The base is checked by running a
command as `nobody` in it.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "deploy" / "images"
COMPOSE_FILE = ROOT / "docker-compose.yml"
LOCAL_OVERRIDE = ROOT / "deploy" / "compose.local.yml"
PUBLIC = ("python:3.11-slim", "rabbitmq:3.13-management", "postgres:15-alpine")
BASE = "association/base:bookworm"
ROOTFS = Path("/var/tmp/rootfs/bookworm")
MIRROR = "http://deb.debian.org/debian"
# The services' build fetches from PyPI over TLS: it trusts what this machine trusts (a proxy's CA).
HOST_CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
# tag -> (Dockerfile, extra files of its recipe)
LOCAL = {
    "association/python:3.11": ("python.Dockerfile", ("host-ca-certificates.crt",)),
    "association/rabbitmq:local": ("rabbitmq.Dockerfile", ()),
    "association/postgres:local": ("postgres.Dockerfile", ("postgres-entrypoint.sh",)),
}
LABEL = "association.recipe"
# The base's recipe: bumped whenever the way it is made changes, so an older base is re-imported.
BASE_RECIPE = hashlib.sha256(b"debootstrap --variant=minbase bookworm; / 0755").hexdigest()[:16]
BUILD = ("docker", "build", "-q", "--network=host", f"--build-arg=BASE_IMAGE={BASE}")
PULL_TIMEOUT = 60


def log(message: str) -> None:
    print(f"[images] {message}", file=sys.stderr, flush=True)


def docker(*args: str, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)


def present(image: str) -> bool:
    return docker("image", "inspect", image).returncode == 0


def pullable(image: str) -> bool:
    try:
        return docker("pull", "-q", image, timeout=PULL_TIMEOUT).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def public_images_available() -> bool:
    """Whether every public image the stack names is here or can be pulled."""
    return all(present(image) or pullable(image) for image in PUBLIC)


def context_files() -> dict[str, bytes]:
    """The build context: deploy/images and this machine's CA bundle."""
    files = {path.name: path.read_bytes() for path in IMAGES.iterdir() if path.is_file()}
    files["host-ca-certificates.crt"] = (
        HOST_CA_BUNDLE.read_bytes() if HOST_CA_BUNDLE.is_file() else b""
    )
    return files


def recipe(tag: str, files: dict[str, bytes]) -> str:
    """The hash of the image's Dockerfile, its extra files and the base image it is built on."""
    dockerfile, extras = LOCAL[tag]
    digest = hashlib.sha256(image_id(BASE).encode())
    for name in (dockerfile, *extras):
        digest.update(files[name])
    return digest.hexdigest()[:16]


def image_id(image: str) -> str:
    result = docker("image", "inspect", "-f", "{{.Id}}", image)
    return result.stdout.strip() if result.returncode == 0 else ""


def built_recipe(tag: str) -> str:
    result = docker("image", "inspect", "-f", f'{{{{index .Config.Labels "{LABEL}"}}}}', tag)
    return result.stdout.strip() if result.returncode == 0 else ""


def ensure_base() -> None:
    """Import the debootstrap root file system as the base image (made first if absent)."""
    if built_recipe(BASE) == BASE_RECIPE:
        return
    if (ROOTFS / "etc" / "debian_version").is_file():
        import_base(ROOTFS)
        return
    with tempfile.TemporaryDirectory(prefix="bookworm-") as made:
        log(f"debootstrap bookworm into {made}")
        subprocess.run(["debootstrap", "--variant=minbase", "bookworm", made, MIRROR], check=True)
        import_base(Path(made))


def import_base(rootfs: Path) -> None:
    """`docker import` the root file system as BASE, labelled with its recipe, and check it."""
    # The tar's "." becomes the image's /: readable and searchable by every user.
    rootfs.chmod(0o755)
    log(f"importing {rootfs} as {BASE}")
    tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
    subprocess.run(
        ["docker", "import", f"--change=LABEL {LABEL}={BASE_RECIPE}", "-", BASE],
        stdin=tar.stdout,
        check=True,
    )
    if tar.wait() != 0:
        raise RuntimeError(f"tar of {rootfs} failed")
    check = docker("run", "--rm", "--user=nobody", BASE, "/bin/ls", "/usr/local")
    if check.returncode != 0:
        raise RuntimeError(f"{BASE}: a non-root user cannot read its files:\n{check.stderr}")


def ensure_local(tag: str, files: dict[str, bytes]) -> None:
    """Build `tag` from deploy/images unless an image of the same recipe is already here."""
    wanted = recipe(tag, files)
    if built_recipe(tag) == wanted:
        return
    log(f"building {tag}")
    with tempfile.TemporaryDirectory() as context:
        for name, content in files.items():
            (Path(context) / name).write_bytes(content)
            (Path(context) / name).chmod(
                (IMAGES / name).stat().st_mode if (IMAGES / name).exists() else 0o644
            )
        # The build fetches Debian's packages: the host's network, as a public image's build would.
        result = subprocess.run(
            [*BUILD, f"--label={LABEL}={wanted}", "-t", tag, "-f", LOCAL[tag][0], context],
            capture_output=True,
            text=True,
            cwd=context,
            check=False,
        )
    if result.returncode != 0:
        raise RuntimeError(f"building {tag} failed:\n{result.stdout}{result.stderr}")


def compose_files() -> list[Path]:
    """The compose files for this machine, building the local images when they are needed."""
    if public_images_available():
        return [COMPOSE_FILE]
    log("public images cannot be pulled: using images built from Debian's packages")
    ensure_base()
    files = context_files()
    for tag in LOCAL:
        ensure_local(tag, files)
    return [COMPOSE_FILE, LOCAL_OVERRIDE]


def main() -> None:
    print(" ".join(f"-f {path.relative_to(ROOT)}" for path in compose_files()))


if __name__ == "__main__":
    main()
