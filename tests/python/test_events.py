"""Event files as NumPy structured arrays (Tonic's fields) and back, and ECG records."""
import pytest

np = pytest.importorskip("numpy", reason="numpy is missing (apt-get install python3-numpy)")
spikekit = pytest.importorskip("spikekit")


def test_evt2_sample_reads_every_event_without_copy(shared_file):
    ev, info = spikekit.read_events(shared_file("events/prophesee/evt2_sample.raw"), info=True)
    assert ev.shape == (539481,)  # the count expelliarmus' tests assert for this file
    assert info["format"] == "evt2" and (info["width"], info["height"]) == (640, 480)
    assert ev.dtype.names == ("x", "y", "t", "p")
    assert [ev.dtype[f] for f in ev.dtype.names] == [np.dtype("int16"), np.dtype("int16"),
                                                      np.dtype("int64"), np.dtype("bool")]
    assert ev.flags.owndata is False and ev.base is not None
    assert ev["x"].max() < 640 and ev["y"].max() < 480 and np.all(np.diff(ev["t"]) >= 0)


def test_write_and_read_back(tmp_path, shared_file):
    ev = spikekit.read_events(shared_file("events/prophesee/evt2_sample.raw"))[:5000]
    for name in ("copy.raw", "copy.h5"):
        n = spikekit.write_events(tmp_path / name, ev, width=640, height=480)
        assert n == 5000
        back = spikekit.read_events(tmp_path / name)
        for f in ("x", "y", "t", "p"):
            assert np.array_equal(back[f], ev[f]), (name, f)


def test_write_any_structured_array(tmp_path):
    # Tonic's own packed dtype, as its transforms produce it
    tonic = np.dtype([("x", np.int16), ("y", np.int16), ("t", np.int64), ("p", bool)])
    ev = np.zeros(3, dtype=tonic)
    ev["x"], ev["y"], ev["t"], ev["p"] = [1, 2, 3], [4, 5, 6], [10, 20, 30], [True, False, True]
    spikekit.write_events(tmp_path / "t.h5", ev)
    back = spikekit.read_events(tmp_path / "t.h5")
    assert back["x"].tolist() == [1, 2, 3] and back["p"].tolist() == [True, False, True]
    with pytest.raises(spikekit.InputError, match="time"):
        spikekit.write_events(tmp_path / "bad.h5", ev[::-1])
    with pytest.raises(spikekit.InputError, match="field 'p'"):
        spikekit.write_events(tmp_path / "bad.h5", np.zeros(2, dtype=[("x", int), ("y", int), ("t", int)]))


def test_bad_event_file_raises_input_error(tmp_path):
    f = tmp_path / "junk.raw"
    f.write_bytes(b"% evt 2.0\n% end\n" + b"\xff" * 7)
    with pytest.raises(spikekit.InputError):
        spikekit.read_events(f)


def test_ecg_record_with_annotations(shared_file):
    rec = spikekit.read_ecg(shared_file("mitdb/100.hea"))
    assert rec.fs_hz == 360.0 and rec.signals.shape == (650000, 2) and rec.signals.dtype == np.float32
    assert rec.units == ["mV", "mV"]
    ann = rec.annotations
    assert ann["sample"].size == len(ann["symbol"]) > 2000
    assert ann["symbol"].count("N") > 2000 and np.all(np.diff(ann["sample"]) >= 0)
