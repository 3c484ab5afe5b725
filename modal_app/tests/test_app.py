"""modal_app/app.py imported with the real `modal` package (no account, nothing contacts Modal):
functions, endpoint labels, secrets, GPU, timeouts and the image's contents."""

from __future__ import annotations

import importlib.util
import inspect
import json
import subprocess
import warnings

import pytest
from conftest import MODAL_APP
from ethereal import timeouts
from modal._utils.async_utils import synchronizer

IMAGE_BUILDER_VERSION = "2025.06"
_counter = iter(range(1000))


def load_app(monkeypatch, **env):
    for key in ("EFS_MODAL_GPU", "EFS_MODAL_MAX_CHUNKS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location(f"efs_modal_app_{next(_counter)}", MODAL_APP / "app.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def mod(monkeypatch):
    return load_app(monkeypatch)


def raw(fn):
    return synchronizer._translate_in(fn)


def timeout_of(fn):
    # modal 1.6 keeps the function's timeout in its loader closure (pinned in requirements-test.txt).
    return inspect.getclosurevars(raw(fn)._load).nonlocals["timeout"]


def secret_names(fn):
    return sorted(s._name for s in raw(fn)._spec.secrets)


def image_layers(image):
    """(dockerfile commands, mounts) of an image and its bases, base first."""
    commands, mounts = [], []

    def walk(img):
        cv = inspect.getclosurevars(img._load).nonlocals
        if "base_image" in cv:  # a mount layer
            walk(cv["base_image"])
            mounts.append(cv["mount"])
            return
        if "single_layer_image" in cv:  # from_registry(add_python=…)
            walk(cv["single_layer_image"])
            return
        for base in cv.get("base_images", {}).values():
            walk(base)
        if cv.get("dockerfile_function"):
            commands.extend(cv["dockerfile_function"](IMAGE_BUILDER_VERSION).commands)

    walk(raw(image))
    return commands, mounts


def test_app_defines_exactly_the_expected_functions(mod):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        functions = set(mod.app.registered_functions)
        web = set(mod.app.registered_web_endpoints)
    assert mod.app.name == "ethereal-flame-studio"
    assert functions == {"submit", "status", "render_job", "render_segment_gpu", "render_segment_cpu"}
    assert web == {"submit", "status"}


def test_endpoints_use_fastapi_endpoint_with_the_checklist_labels(mod):
    submit = raw(mod.submit)._webhook_config
    status = raw(mod.status)._webhook_config
    assert (submit.requested_suffix, submit.method) == ("ethereal-submit", "POST")
    assert (status.requested_suffix, status.method) == ("ethereal-status", "GET")


def test_secrets_are_the_names_the_env_catalog_targets(mod):
    catalog = (MODAL_APP.parent / "services/core/src/env-catalog.ts").read_text()
    assert '"modal:r2-credentials"' in catalog and '"modal:ethereal-auth"' in catalog
    assert secret_names(mod.submit) == ["ethereal-auth"]
    assert secret_names(mod.status) == ["ethereal-auth"]
    for fn in (mod.render_job, mod.render_segment_gpu, mod.render_segment_cpu):
        assert secret_names(fn) == ["r2-credentials"]


def test_secrets_require_their_keys_so_a_deploy_names_a_missing_one(mod):
    def required(fn):
        (secret,) = raw(fn)._spec.secrets
        return sorted(inspect.getclosurevars(secret._load).nonlocals["required_keys"])

    assert required(mod.submit) == ["MODAL_AUTH_TOKEN"]
    assert required(mod.render_job) == sorted(["R2_ACCOUNT_ID", "R2_ACCESS_KEY_ID", "R2_SECRET_ACCESS_KEY", "R2_BUCKET_NAME"])


def test_only_the_gpu_segment_function_asks_for_a_gpu_by_default_l40s(mod):
    assert raw(mod.render_segment_gpu)._spec.gpus == "L40S"
    for fn in (mod.render_segment_cpu, mod.render_job, mod.submit, mod.status):
        assert raw(fn)._spec.gpus is None


def test_gpu_and_chunk_cap_are_configurable_at_deploy(monkeypatch):
    mod = load_app(monkeypatch, EFS_MODAL_GPU="h100", EFS_MODAL_MAX_CHUNKS="4")
    assert raw(mod.render_segment_gpu)._spec.gpus == "H100"
    assert mod.MAX_CHUNKS == 4
    commands, _ = image_layers(raw(mod.render_job)._spec.image)
    assert any("EFS_MODAL_GPU" in c and "H100" in c for c in commands)


@pytest.mark.parametrize(("key", "value"), [("EFS_MODAL_GPU", "RTX4090"), ("EFS_MODAL_MAX_CHUNKS", "0"), ("EFS_MODAL_MAX_CHUNKS", "many")])
def test_bad_deploy_settings_fail_naming_the_variable(monkeypatch, key, value):
    with pytest.raises(ValueError, match=key):
        load_app(monkeypatch, **{key: value})


def test_timeouts_nest_so_the_failure_webhook_can_always_be_sent(mod):
    segment = timeout_of(mod.render_segment_gpu)
    assert timeout_of(mod.render_segment_cpu) == segment == timeouts.SEGMENT_FN_TIMEOUT_S
    assert segment > timeouts.RENDER_TIMEOUT_S
    job = timeout_of(mod.render_job)
    assert job == timeouts.JOB_FN_TIMEOUT_S
    assert timeouts.SEGMENTS_DEADLINE_S >= segment
    assert job > timeouts.SEGMENTS_DEADLINE_S + timeouts.CONCAT_TIMEOUT_S + timeouts.WEBHOOK_BUDGET_S
    assert job <= timeouts.MODAL_MAX_TIMEOUT_S
    for fn in (mod.submit, mod.status):
        assert timeout_of(fn) < 150  # Modal caps web requests at 150 s


def test_image_has_node_chromium_ffmpeg_gl_loaders_and_nvidia_vendor_files(mod):
    commands, mounts = image_layers(raw(mod.render_segment_gpu)._spec.image)
    text = "\n".join(commands)
    assert "FROM node:24-bookworm-slim" in text
    for pkg in ("chromium", "ffmpeg", "libglvnd0", "libegl1", "libgles2", "libgl1", "libvulkan1"):
        assert f" {pkg}" in text, pkg
    assert "/usr/share/glvnd/egl_vendor.d/10_nvidia.json" in text and "libEGL_nvidia.so.0" in text
    assert "/etc/vulkan/icd.d/nvidia_icd.json" in text
    assert "NVIDIA_DRIVER_CAPABILITIES" in text and "all" in text
    assert "fastapi[standard]" in text and "boto3" in text
    assert any("ethereal" in repr(m) for m in mounts)


def test_image_ships_the_renderer_workspaces_and_exactly_the_npm_packages_it_loads(mod):
    deps = json.loads(
        subprocess.run(["node", str(MODAL_APP / "renderer-deps.mjs")], cwd=MODAL_APP.parent, capture_output=True, text=True, check=True, timeout=120).stdout
    )
    assert set(mod.RENDERER_NPM) == {*deps["external"], "tsx"}
    assert sorted(deps["workspaces"]) == sorted(mod.RENDERER_WORKSPACES)
    lock = json.loads((MODAL_APP.parent / "package-lock.json").read_text())["packages"]
    for name, version in mod.RENDERER_NPM.items():
        assert lock[f"node_modules/{name}"]["version"] == version, f"{name}: pin {version} differs from package-lock.json"
    commands, mounts = image_layers(raw(mod.render_segment_cpu)._spec.image)
    text = "\n".join(commands)
    for name, version in mod.RENDERER_NPM.items():
        assert f"{name}@{version}" in text
    for ws in mod.RENDERER_WORKSPACES:
        assert f"ln -sfn ../../{ws} /opt/efs/app/node_modules/@efs/{ws.split('/')[1]}" in text
    mounted = "\n".join(repr(m) for m in mounts)
    for ws in mod.RENDERER_WORKSPACES:
        assert f"/opt/efs/app/{ws}" in mounted
    assert "services/web" not in mounted and "services/worker" not in mounted


def test_renderer_entry_in_the_image_exists_in_the_repo(mod):
    from ethereal import renderer_cli

    rel = renderer_cli.RENDERER_ENTRY.removeprefix(renderer_cli.RENDERER_ROOT + "/")
    assert (MODAL_APP.parent / rel).is_file()
    assert renderer_cli.RENDERER_NODE == f"{renderer_cli.RENDERER_ROOT}/node_modules/.bin/tsx"


def test_segment_function_choice_follows_the_request(mod):
    assert mod._segment_function(None) is mod.render_segment_cpu
    assert mod._segment_function("L40S") is mod.render_segment_gpu
    other = mod._segment_function("H100")
    assert other is not mod.render_segment_gpu and other is not mod.render_segment_cpu
