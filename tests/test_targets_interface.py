"""The run-target interface's own parts: the event queue keeps order and ends with Finished."""

import threading

from robolab.targets import EventQueue, Finished, Output, RunError, StateChanged


def test_events_come_out_in_order_and_nothing_follows_finished():
    queue = EventQueue()
    queue.put(StateChanged("running"))
    queue.put(Output("hello"))
    queue.put(Finished(1, error=RunError("ZeroDivisionError: division by zero", (0,), 1)))
    queue.put(Output("late"))
    events = queue.drain()
    assert [type(e).__name__ for e in events] == ["StateChanged", "Output", "Finished"]
    assert queue.finished.is_set() and queue.drain() == []


def test_events_put_from_many_threads_are_all_drained():
    queue = EventQueue()

    def put(n):
        for i in range(500):
            queue.put(Output(f"{n}:{i}"))

    threads = [threading.Thread(target=put, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    seen = []
    while any(t.is_alive() for t in threads):
        seen += queue.drain()
    for thread in threads:
        thread.join()
    seen += queue.drain()
    assert len(seen) == 2000
    for n in range(4):
        mine = [e.text for e in seen if e.text.startswith(f"{n}:")]
        assert mine == [f"{n}:{i}" for i in range(500)]
