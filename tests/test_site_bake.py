"""rnnlab.site.bake on small widgets: the states a page is given are what the widget shows."""
import ipywidgets as W
import pytest

from rnnlab.site import bake


def powers(start=3):
    slider = W.IntSlider(value=4, min=1, max=10, description="steps")
    label = W.Label()
    slider.observe(lambda ch: setattr(label, "value", f"{0.9 ** ch['new']:.3f}"), names="value")
    slider.value = start
    return W.HBox([slider, label]), slider


def test_each_state_holds_what_the_widget_shows_for_that_setting(tmp_path):
    box, slider = powers()
    store = bake.Store(tmp_path)
    data = bake.bake_figure(None, box, store)
    (control,) = data["controls"]
    assert control["labels"] == [str(n) for n in range(1, 11)] and data["start"] == "2"
    assert len(data["states"]) == 10
    for key, (shown,) in data["states"].items():
        steps = int(control["labels"][int(key)])
        assert store.strings[shown] == f"{0.9 ** steps:.3f}"          # computed here, not by the widget
    assert slider.value == 3                                          # left as the lecture left it


def test_a_slider_offers_its_named_positions_and_the_one_it_stands_at():
    slider = W.FloatSlider(value=0.7, min=-3, max=3, step=0.1)
    assert bake.slider_values(slider, [-3, 0, 3]) == [-3, 0, 0.7, 3]
    with pytest.raises(bake.BakeError, match="outside"):
        bake.slider_values(slider, [-4, 0])
    with pytest.raises(bake.BakeError, match="SLIDERS"):              # 61 positions: name the few
        bake.slider_values(slider, None)
    assert len(bake.slider_values(slider, "all")) == 61


def test_a_widget_with_too_many_states_or_controls_that_move_each_other_is_refused(tmp_path):
    a, b = W.IntSlider(value=1, min=1, max=20), W.IntSlider(value=1, min=1, max=20)
    c = W.IntSlider(value=1, min=1, max=20)
    with pytest.raises(bake.BakeError, match="8000 states"):
        bake.bake_figure(None, W.VBox([a, b, c]), bake.Store(tmp_path))
    leader, follower = W.IntSlider(value=1, min=1, max=3), W.IntSlider(value=1, min=1, max=3)
    leader.observe(lambda ch: setattr(follower, "value", 1), names="value")
    follower.observe(lambda ch: setattr(leader, "value", 1) if ch["new"] == 3 else None, names="value")
    with pytest.raises(bake.BakeError, match="left them at"):
        bake.bake_figure(None, W.VBox([leader, follower]), bake.Store(tmp_path))


def test_pictures_are_stored_once_and_losslessly(tmp_path):
    import io

    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (7, 5), (10, 200, 30)).save(buf, format="png")
    store = bake.Store(tmp_path)
    first, again = store.picture(buf.getvalue()), store.picture(buf.getvalue())
    assert first == again and len(list(tmp_path.iterdir())) == 1
    webp = Image.open(tmp_path / store.strings[first]).convert("RGB")
    assert webp.tobytes() == Image.open(buf).convert("RGB").tobytes()


def test_the_states_are_visited_one_control_change_at_a_time():
    order = list(bake.gray([3, 2, 4]))
    assert sorted(order) == sorted({(a, b, c) for a in range(3) for b in range(2) for c in range(4)})
    assert all(sum(x != y for x, y in zip(p, q)) == 1 for p, q in zip(order, order[1:]))
