"""Offset cursors, the page schedule and the page checks of parallel paging, without a server."""

import pytest

from ion_magic.parallel import DataMoved, PageSlot, check_page, decode_offset, encode_offset, schedule


def test_offset_cursor_round_trip_and_ions_example():
    assert decode_offset("YXJyYXljb25uZWN0aW9uOjE5") == 19
    assert decode_offset(encode_offset(12345)) == 12345
    for other in (None, 17, "", "not base64!", "YXJyYXljb25uZWN0aW9uOi0x", "Y3Vyc29yOjE="):
        assert decode_offset(other) is None


def test_schedule_covers_the_rest_exactly_once():
    slots = schedule(encode_offset(99), total_count=1050, page_size=100, rows_wanted=None)
    starts = [slot.start for slot in slots]
    assert starts[0] == 100 and starts[-1] == 1000 and slots[-1].size == 50
    covered = [row for slot in slots for row in range(slot.start, slot.start + slot.size)]
    assert covered == list(range(100, 1050))
    assert decode_offset(slots[0].after) == 99
    limited = schedule(encode_offset(9), total_count=1000, page_size=10, rows_wanted=25)
    assert [(slot.start, slot.size) for slot in limited] == [(10, 10), (20, 10), (30, 5)]
    assert schedule("opaque", 100, 10, None) is None and schedule(encode_offset(9), None, 10, None) is None


def page(start, size, total):
    info = {"startCursor": encode_offset(start), "endCursor": encode_offset(start + size - 1), "totalCount": total}
    return [{"node": {"id": start + i}} for i in range(size)], info


def test_check_page_accepts_what_offset_paging_promises_and_nothing_else():
    slot = PageSlot(start=20, size=10)
    edges, info = page(20, 10, 100)
    check_page(slot, {}, edges, info, 100)
    with pytest.raises(DataMoved, match="total changed"):
        check_page(slot, {}, edges, {**info, "totalCount": 101}, 100)
    with pytest.raises(DataMoved, match="held 9 rows"):
        check_page(slot, {}, edges[:9], info, 100)
    shifted_edges, shifted = page(21, 10, 100)
    with pytest.raises(DataMoved, match="does not follow"):
        check_page(slot, {}, shifted_edges, shifted, 100)
