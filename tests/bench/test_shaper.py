"""bench/shaper.py: the trace parser, the token bucket on a fake clock, and the real server.

Timing on real sockets is asserted only in the direction the shaper enforces (it can never be
faster than the trace allows), with a generous bound the other way.
"""

from __future__ import annotations

import http.client
import importlib.util
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load_shaper():
    # By path, not by sys.path: bench/ holds a tv_client.py that would shadow the package.
    spec = importlib.util.spec_from_file_location("bench_shaper", BENCH / "shaper.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


shaper = _load_shaper()
Trace, TokenBucket, TraceError = shaper.Trace, shaper.TokenBucket, shaper.TraceError
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# 1 Mbit/s for 2 s, 3 Mbit/s for 1 s, nothing for 1 s (the last step lasts as long as the one
# before it), so one period is 4 s and 5 Mbit.
SHORT = "# a comment\n10  1.0\n\n12  3.0\n13\t0  # off\n"


# ------------------------------------------------------------------------------- the parser


def test_parse_shifts_to_zero_and_derives_the_period():
    trace = Trace.parse(SHORT, "short")
    assert trace.times == (0.0, 2.0, 3.0)
    assert trace.rates == (1.0, 3.0, 0.0)
    assert trace.period == 4.0
    assert trace.megabits(4.0) == pytest.approx(5.0)


@pytest.mark.parametrize(
    ("t", "rate"),
    [(0.0, 1.0), (1.99, 1.0), (2.0, 3.0), (3.5, 0.0), (4.0, 1.0), (6.5, 3.0), (-0.5, 0.0)],
)
def test_rate_at_steps_and_loops(t, rate):
    assert Trace.parse(SHORT).rate_at(t) == rate


@pytest.mark.parametrize(
    ("start", "end", "mean"),
    [
        (0.0, 2.0, 1.0),
        (0.0, 4.0, 1.25),
        (1.0, 3.0, 2.0),
        (3.0, 5.0, 0.5),  # across the loop: nothing, then 1 Mbit/s
        (0.0, 40.0, 1.25),
    ],
)
def test_mean_integrates_over_steps_and_loops(start, end, mean):
    assert Trace.parse(SHORT).mean(start, end) == pytest.approx(mean)


@pytest.mark.parametrize(
    "text",
    ["", "# only a comment\n", "0 1\n1\n", "0 1\nx 2\n", "0 1\n0 2\n", "0 1\n1 -2\n", "0 0\n1 0\n"],
)
def test_parse_rejects_what_is_not_a_trace(text):
    with pytest.raises(TraceError):
        Trace.parse(text)


def test_constant_and_synthetic_traces():
    assert Trace.constant(2.0).mean(0, 123.4) == pytest.approx(2.0)
    synthetic = shaper.synthetic()
    assert synthetic.name == "synthetic"
    assert 0.4 < min(synthetic.rates) < max(synthetic.rates) <= 3.0


def test_shared_traces_read_every_file(tmp_path):
    (tmp_path / "b").write_text("0 2\n1 4\n")
    (tmp_path / "a").write_text("0 1\n")
    assert [t.name for t in shaper.shared_traces(tmp_path)] == ["a", "b"]
    assert shaper.shared_traces(tmp_path / "absent") == []


@pytest.mark.shared
def test_the_shared_traces_parse(shared_dir):
    traces = shaper.shared_traces(shared_dir / "fixtures" / "traces")
    assert traces
    assert all(t.mean(0, t.period) > 0.1 for t in traces)


# ------------------------------------------------------------------------------- the bucket


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def delivered(bucket: TokenBucket, clock: FakeClock, seconds: float, want: int = 16384) -> int:
    """Bytes a greedy connection gets in ``seconds`` of fake time."""
    end, total = clock.now + seconds, 0
    while clock.now < end:
        granted, wait = bucket.grant(want, clock.now)
        total += granted
        clock.sleep(wait or 0.001)
    return total


def test_an_empty_bucket_asks_to_wait_for_the_rate():
    clock = FakeClock()
    bucket = TokenBucket(Trace.constant(2.0), clock=clock, sleep=clock.sleep)
    granted, wait = bucket.grant(4096, clock.now)
    assert granted == 0
    assert wait == pytest.approx(4096 / 250_000)


@pytest.mark.parametrize("mbps", [0.3, 2.0, 8.0])
def test_a_greedy_reader_gets_the_rate(mbps):
    clock = FakeClock()
    bucket = TokenBucket(Trace.constant(mbps), clock=clock, sleep=clock.sleep)
    got = delivered(bucket, clock, 10.0)
    assert got == pytest.approx(mbps * 125_000 * 10, abs=shaper.MIN_BURST + shaper.CHUNK)


def test_the_bucket_follows_the_trace_steps_and_its_offset():
    clock = FakeClock()
    bucket = TokenBucket(Trace.parse(SHORT), offset=2.0, clock=clock, sleep=clock.sleep)
    fast = delivered(bucket, clock, 1.0)  # trace time 2..3: 3 Mbit/s
    nothing = delivered(bucket, clock, 1.0)  # 3..4: off
    slow = delivered(bucket, clock, 1.0)  # 4..5 = 0..1 again: 1 Mbit/s
    assert fast == pytest.approx(375_000, abs=shaper.MIN_BURST)
    assert nothing < shaper.MIN_BURST  # what the burst still held when the rate fell
    assert slow == pytest.approx(125_000, abs=shaper.MIN_BURST)


def test_an_idle_line_saves_up_no_more_than_a_burst():
    clock = FakeClock()
    bucket = TokenBucket(Trace.constant(8.0), clock=clock, sleep=clock.sleep)
    bucket.start(clock.now)
    clock.sleep(30.0)
    granted, _ = bucket.grant(10_000_000, clock.now)
    assert granted == max(shaper.MIN_BURST, int(8.0 * 125_000 * shaper.BURST_S))


def test_take_blocks_until_bytes_are_allowed():
    clock = FakeClock()
    bucket = TokenBucket(Trace.constant(1.0), clock=clock, sleep=clock.sleep)
    start = clock.now
    assert bucket.take(8192) >= 4096
    assert clock.now - start == pytest.approx(4096 / 125_000, abs=0.002)


# ------------------------------------------------------------------------------- the server


@pytest.fixture
def media(tmp_path):
    (tmp_path / "lesson").mkdir()
    (tmp_path / "lesson" / "seg.ts").write_bytes(bytes(range(256)) * 1000)  # 256,000 B
    (tmp_path / "secret.txt").write_text("outside")
    return tmp_path / "lesson"


def get(url: str, headers: dict | None = None) -> tuple[int, bytes]:
    try:
        with OPENER.open(urllib.request.Request(url, headers=headers or {}), timeout=30) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()


def test_two_mbit_per_second_delivers_about_250_kb_per_second(media):
    line = shaper.Line(Trace.constant(2.0))
    with shaper.serve(line, root=media) as served:
        start = time.monotonic()
        status, body = get(served.url + "/seg.ts")
        seconds = time.monotonic() - start
    assert status == 200
    assert body == (media / "seg.ts").read_bytes()
    rate = len(body) / seconds
    assert rate < 250_000 * 1.1  # the bucket's burst is 6% of this file
    assert rate > 250_000 * 0.6  # generous: a busy machine may be slower, never faster
    (fetch,) = line.fetches()
    assert (fetch.path, fetch.status, fetch.size, fetch.sent) == ("/seg.ts", 200, 256_000, 256_000)
    assert fetch.started <= fetch.first_byte <= fetch.ended


def test_connections_share_one_line(media):
    line = shaper.Line(Trace.constant(2.0))
    with shaper.serve(line, root=media) as served:
        start = time.monotonic()
        threads = [threading.Thread(target=get, args=(served.url + "/seg.ts",)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.monotonic() - start
    # 512,000 B through one 250 kB/s line: about 2 s, never much less (it would be 1 s if
    # each connection had a line of its own).
    assert seconds > (512_000 - 2 * shaper.MIN_BURST) / 250_000
    assert [f.sent for f in line.fetches()] == [256_000, 256_000]


def test_ranges_and_paths(media):
    line = shaper.Line(None)
    with shaper.serve(line, root=media) as served:
        status, body = get(served.url + "/seg.ts", {"Range": "bytes=256-511"})
        assert (status, body) == (206, bytes(range(256)))
        assert get(served.url + "/seg.ts", {"Range": "bytes=999999-"})[0] == 416
        assert get(served.url + "/../secret.txt")[0] == 404
        assert get(served.url + "/missing.ts")[0] == 404
    assert line.started is None  # an unshaped line has no trace clock


def test_latency_is_a_round_trip_and_a_handshake_on_a_new_connection(media):
    line = shaper.Line(None, latency_s=0.1)
    with shaper.serve(line, root=media) as served:
        connection = http.client.HTTPConnection(served.url.removeprefix("http://"), timeout=10)
        try:
            waits = []
            for _ in range(2):  # one keep-alive connection
                start = time.monotonic()
                connection.request("GET", "/seg.ts", headers={"Range": "bytes=0-9"})
                connection.getresponse().read()
                waits.append(time.monotonic() - start)
        finally:
            connection.close()
    assert waits[0] >= 0.2
    assert waits[1] >= 0.1
    assert len({f.connection for f in line.fetches()}) == 1
