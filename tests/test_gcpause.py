"""The collector pause around bulk work: the collector comes back, and what the block kept goes
to the oldest generation without a traversal, unless something else holds objects frozen."""

import gc

from fundtrail import gcpause


class Kept:
    pass


def test_block_keeps_its_objects_in_the_oldest_generation_and_the_collector_returns():
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        kept = [Kept() for _ in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(o) in oldest for o in kept)
    assert gc.get_count()[0] < 1000  # the block's allocations are not pending a young collection


def test_nested_blocks_leave_the_collector_to_the_outer_one():
    with gcpause.paused():
        with gcpause.paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_objects_frozen_by_someone_else_stay_frozen():
    anchor = Kept()
    gc.freeze()
    try:
        with gcpause.paused():
            _ = [Kept() for _ in range(100)]
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        assert id(anchor) not in {id(o) for o in gc.get_objects()}  # still in the permanent one
    finally:
        gc.unfreeze()
    assert id(anchor) in {id(o) for o in gc.get_objects()}


def test_the_collector_returns_when_the_block_raises():
    try:
        with gcpause.paused():
            raise ValueError("bad row")
    except ValueError:
        pass
    assert gc.isenabled()
