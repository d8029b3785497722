"""Offset cursors, the lazy page schedule and the page checks of parallel paging, without a server."""

import base64
import tracemalloc

import pytest

from ion_magic.cursors import decode_offset, encode_offset
from ion_magic.parallel import DataMoved, OffsetSchedule, PageSlot, check_page


def test_offset_cursor_round_trip_and_ions_example():
    assert decode_offset("YXJyYXljb25uZWN0aW9uOjE5") == 19
    assert decode_offset(encode_offset(12345)) == 12345
    # non-ASCII digits, a sign, a space: not an offset
    odd = [base64.b64encode(f"arrayconnection:{digits}".encode()).decode() for digits in ("²", "٣", "+5", " 5")]
    for other in (None, 17, "", "not base64!", "YXJyYXljb25uZWN0aW9uOi0x", "Y3Vyc29yOjE=", *odd):
        assert decode_offset(other) is None


def slots_of(schedule):
    slots = []
    while (slot := schedule.take()) is not None:
        slots.append(slot)
    return slots


def test_schedule_covers_the_rest_exactly_once():
    slots = slots_of(OffsetSchedule.after_page(encode_offset(99), 1050, 100, None))
    starts = [slot.start for slot in slots]
    assert starts[0] == 100 and starts[-1] == 1000 and slots[-1].size == 100  # whole pages: the total is a hint
    covered = [row for slot in slots for row in range(slot.start, slot.start + slot.size)]
    assert covered == list(range(100, 1100))
    assert decode_offset(slots[0].after) == 99
    limited = slots_of(OffsetSchedule.after_page(encode_offset(9), 1000, 10, 25))
    assert [(slot.start, slot.size) for slot in limited] == [(10, 10), (20, 10), (30, 5)]


@pytest.mark.parametrize("total", [None, "1000", 1.5e3, True, 10**12, 5, -1])
def test_no_schedule_without_offset_cursors_or_a_plausible_total(total):
    assert OffsetSchedule.after_page(encode_offset(9), total, 10, None) is None
    assert OffsetSchedule.after_page("opaque", 100, 10, None) is None


def test_the_schedule_is_lazy_whatever_the_announced_total():
    tracemalloc.start()
    schedule = OffsetSchedule(99, 100_000_000, 100, None)
    first = [schedule.take() for _ in range(5)]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [slot.start for slot in first] == [100, 200, 300, 400, 500]
    assert peak < 100_000  # a slot is made when asked for, not a list of a million up front


def page(start, size, total):
    return {"startCursor": encode_offset(start), "endCursor": encode_offset(start + size - 1), "totalCount": total}


def test_check_page_accepts_what_offset_paging_promises_and_nothing_else():
    slot = PageSlot(start=20, size=10)
    check_page(slot, 10, page(20, 10, 100), True, 100)
    check_page(slot, 4, page(20, 4, 100), False, 100)  # a short last page: the end came sooner than announced
    with pytest.raises(DataMoved, match="total changed"):
        check_page(slot, 10, page(20, 10, 101), True, 100)
    with pytest.raises(DataMoved, match="held 9 rows"):
        check_page(slot, 9, page(20, 9, 100), True, 100)
    with pytest.raises(DataMoved, match="does not follow"):
        check_page(slot, 10, page(21, 10, 100), True, 100)
