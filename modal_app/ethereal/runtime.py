"""Builds the pipeline Runtime from a container's environment (R2 secret, Chromium path)."""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from . import renderer_cli, storage, timeouts
from .chromium import choose_gl, probe_webgl
from .pipeline import Runner, Runtime, Storage
from .process import run_process
from .progress import Put


def _run(argv: Sequence[str], env: Mapping[str, str], timeout: float, on_line: Callable[[str], None] | None) -> None:
    run_process(argv, env, timeout, on_line=on_line)


def _no_progress(key: str, value: dict[str, Any]) -> None:
    pass


# The Runtime for this container: R2 from the r2-credentials env, Chromium from EFS_CHROMIUM_PATH,
# progress into `progress` (app.py: the render-progress modal.Dict).
def build_runtime(
    env: Mapping[str, str],
    *,
    run: Runner = _run,
    progress: Put = _no_progress,
    node: str | None = None,
    render_timeout_s: float = timeouts.RENDER_TIMEOUT_S,
    concat_timeout_s: float = timeouts.CONCAT_TIMEOUT_S,
) -> Runtime:
    cfg = storage.r2_config_from_env(env)
    client = storage.make_client(cfg)
    chromium = env.get("EFS_CHROMIUM_PATH", "/usr/bin/chromium")
    return Runtime(
        storage=Storage(
            upload=lambda path, key, ctype: storage.upload_file(client, cfg.bucket, path, key, ctype),
            download=lambda key, path: storage.download_file(client, cfg.bucket, key, path),
            delete=lambda keys: storage.delete_keys(client, cfg.bucket, keys),
        ),
        run=run,
        choose_gl=lambda hardware: choose_gl(lambda flags: probe_webgl(chromium, flags), hardware),
        env=dict(env),
        render_timeout_s=render_timeout_s,
        concat_timeout_s=concat_timeout_s,
        node=node or renderer_cli.renderer_node(env),
        progress=progress,
    )
