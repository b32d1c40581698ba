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


class Cycle:
    def __init__(self):
        self.me = self


def test_set_aside_keeps_what_existed_out_of_reach_and_collects_the_blocks_cycles():
    import weakref

    before = Kept()
    with gcpause.set_aside():
        assert gc.isenabled()
        assert id(before) not in {id(o) for o in gc.get_objects()}  # frozen: no collection walks it
        probe = weakref.ref(Cycle())  # a cycle made and dropped inside the block
        gc.collect()
        assert probe() is None  # the collector still frees the block's own garbage
    assert gc.get_freeze_count() == 0
    assert id(before) in {id(o) for o in gc.get_objects(generation=2)}  # back, in the oldest


def test_set_aside_leaves_objects_frozen_by_someone_else_frozen():
    anchor = Kept()
    gc.freeze()
    try:
        with gcpause.set_aside():
            pass
        assert gc.get_freeze_count() > 0
        assert id(anchor) not in {id(o) for o in gc.get_objects()}
    finally:
        gc.unfreeze()


def test_set_aside_unfreezes_when_the_block_raises():
    try:
        with gcpause.set_aside():
            raise ValueError("bad page")
    except ValueError:
        pass
    assert gc.get_freeze_count() == 0
