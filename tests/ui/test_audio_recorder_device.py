"""Recording through a real audio device: a private PulseAudio server plays a 440 Hz tone into a
null sink, and a source remapped from that sink's monitor is heard by Qt's ``QAudioSource``
exactly as a microphone.

The other recorder tests feed generated PCM into the dialog; this one checks the part they
skip: the ``MicrophoneSource`` → ``QAudioSource`` → encoder → catalogue path against a real
sound server (Linux-only: PulseAudio is the Linux sound server; Debian package ``pulseaudio``
in the Makefile's DEB_TEST).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import soundfile

from tests.ui.recorder_device_child import RECORD_MS

ROOT = Path(__file__).resolve().parents[2]
TONE_HZ = 440


@pytest.fixture
def pulse_server() -> Iterator[str]:
    """A PulseAudio daemon of this test only (its own runtime folder and socket)."""
    daemon = shutil.which("pulseaudio")
    if daemon is None or not sys.platform.startswith("linux"):
        pytest.skip("pulseaudio is not installed (Debian package: pulseaudio)")
    # A short folder: the socket path must fit a sockaddr_un (108 bytes).
    folder = Path(tempfile.mkdtemp(prefix="tkpa-"))
    socket = folder / "native"
    env = {**os.environ, "HOME": str(folder), "XDG_RUNTIME_DIR": str(folder)}
    env.pop("PULSE_SERVER", None)
    process = subprocess.Popen(
        [
            daemon,
            "-n",  # no default.pa: only the modules below
            "--daemonize=no",
            "--exit-idle-time=-1",
            "--use-pid-file=no",
            "--log-target=stderr",
            f"--load=module-native-protocol-unix socket={socket} auth-anonymous=1",
            # A speaker nobody hears, playing a tone; a microphone that hears that speaker.
            # (Qt lists no monitor sources, hence the remap; Qt's capture stalls on
            # module-sine-source, which is why the tone is played rather than generated.)
            "--load=module-null-sink sink_name=tk_null",
            f"--load=module-sine sink=tk_null frequency={TONE_HZ}",
            "--load=module-remap-source master=tk_null.monitor source_name=tk_mic",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 15
        while not socket.exists():
            if process.poll() is not None:
                raise AssertionError(
                    "pulseaudio is installed but did not start: "
                    + process.stderr.read().decode(errors="replace")[-2000:]  # type: ignore[union-attr]
                )
            assert time.monotonic() < deadline, "pulseaudio did not open its socket"
            time.sleep(0.1)
        yield f"unix:{socket}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def test_record_a_tone_through_a_real_audio_source(
    pulse_server: str, catalogue_path: Path, passphrase: str
) -> None:
    from tkapp.services.catalogue import open_catalogue

    path = catalogue_path
    with open_catalogue(path, passphrase) as cat:
        record_id = cat.search_ids("")[0]
    env = {
        **os.environ,
        "PULSE_SERVER": pulse_server,
        "QT_QPA_PLATFORM": "offscreen",
        # A sound server of its own: never the desktop's, even on a developer's machine.
        "PULSE_SINK": "tk_null",
        "PULSE_SOURCE": "tk_mic",
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.ui.recorder_device_child", str(path), passphrase, record_id],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
    assert int(lines["meter"]) > 10  # the level meter moved with the tone

    with open_catalogue(path, passphrase) as cat:
        stream = cat.open_media(lines["stored"])
        try:
            data = stream.read()
        finally:
            stream.close()
    samples, rate = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)
    mono = samples[:, 0]
    seconds = len(mono) / rate
    # About the time it recorded: the sound server takes a moment to start the stream, much
    # longer on a loaded 2-core CI machine (0.79 s and 0.41 s of 2 s seen), so a tenth at least;
    # the frequency check below proves it is the tone.
    assert RECORD_MS / 10000 < seconds < RECORD_MS / 1000 + 1, seconds
    # Not silent, and it is the tone: 440 Hz crosses zero about 880 times a second.
    body = mono[len(mono) // 5 : -len(mono) // 5]
    assert float(abs(body).max()) > 0.05
    crossings = int(((body[:-1] < 0) != (body[1:] < 0)).sum())
    per_second = crossings / (len(body) / rate)
    assert abs(per_second - 2 * TONE_HZ) < 0.1 * 2 * TONE_HZ, per_second
