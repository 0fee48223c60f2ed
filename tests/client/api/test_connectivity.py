"""ConnectivityMonitor: state from outcomes, and recovery probes that back off."""

from __future__ import annotations

import pytest

from tv_client.api import ConnectivityMonitor, Link


def _replay(events: list[tuple[str, float]]) -> ConnectivityMonitor:
    monitor = ConnectivityMonitor(base=2.0, cap=60.0, clock=lambda: 0.0)
    for event, now in events:
        if event == "fail":
            monitor.record_failure(now)
        else:
            monitor.record_success()
    return monitor


@pytest.mark.parametrize(
    ("events", "state", "next_probe_at"),
    [
        ([], Link.ONLINE, None),
        ([("fail", 100)], Link.OFFLINE, 102),
        ([("fail", 100), ("fail", 102)], Link.OFFLINE, 106),
        ([("fail", 100), ("fail", 102), ("fail", 106)], Link.OFFLINE, 114),
        ([("fail", t) for t in range(10)] + [("fail", 1000)], Link.OFFLINE, 1060),  # capped
        ([("fail", 100), ("ok", 0)], Link.ONLINE, None),
        ([("fail", 100), ("fail", 102), ("ok", 0), ("fail", 200)], Link.OFFLINE, 202),
    ],
    ids=["fresh", "one-failure", "two", "three", "capped", "recovered", "backoff-resets"],
)
def test_state_and_next_probe(events, state, next_probe_at):
    monitor = _replay(events)
    assert monitor.state is state
    assert monitor.next_probe_at == next_probe_at


@pytest.mark.parametrize(
    ("events", "now", "expected"),
    [
        ([], 1e9, False),  # online: nothing to probe
        ([("fail", 100)], 101.9, False),
        ([("fail", 100)], 102, True),
        ([("fail", 100), ("fail", 102)], 105, False),
        ([("fail", 100), ("fail", 102)], 106, True),
        ([("fail", 100), ("ok", 0)], 1e9, False),
    ],
)
def test_should_probe(events, now, expected):
    assert _replay(events).should_probe(now) is expected


def test_the_clock_is_used_when_now_is_not_given():
    now = [100.0]
    monitor = ConnectivityMonitor(base=1.0, clock=lambda: now[0])
    monitor.record_failure()
    assert monitor.should_probe() is False
    now[0] = 101.0
    assert monitor.should_probe() is True
