"""Builds the techsales Rust library with cargo and ships it inside the package.

`pip install ./python` (or `pip wheel ./python`) runs `cargo build --lib`
on the crate one folder up and copies `libtechsales.so` next to the Python
modules. `TECHSALES_PROFILE=debug` builds the debug library instead of the
release one; `CARGO_TARGET_DIR` is honoured.
"""

import os
import shutil
import subprocess
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
CRATE = Path(os.environ.get("TECHSALES_CRATE_DIR", HERE.parent))


class BuildWithCargo(build_py):
    """Runs cargo, then copies the shared library into the built package."""

    def run(self):
        super().run()
        manifest = CRATE / "Cargo.toml"
        if not manifest.is_file():
            raise SystemExit(
                f"techsales: no Cargo.toml at {manifest}; build from a checkout of the "
                "repository (pip install ./python) or set TECHSALES_CRATE_DIR"
            )
        profile = os.environ.get("TECHSALES_PROFILE", "release")
        command = ["cargo", "build", "--lib", "--manifest-path", str(manifest)]
        if profile == "release":
            command.append("--release")
        elif profile != "debug":
            raise SystemExit(f"techsales: TECHSALES_PROFILE must be release or debug, not {profile}")
        subprocess.run(command, check=True)
        target = Path(os.environ.get("CARGO_TARGET_DIR", CRATE / "target"))
        if not target.is_absolute():
            target = CRATE / target
        built = target / profile / "libtechsales.so"
        destination = Path(self.build_lib) / "techsales" / "libtechsales.so"
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, destination)


class BinaryDistribution(Distribution):
    """The wheel carries a native library, so it is tagged for the platform."""

    def has_ext_modules(self):
        return True


setup(cmdclass={"build_py": BuildWithCargo}, distclass=BinaryDistribution)
