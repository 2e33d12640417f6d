"""Central differences, Richardson and the error estimate against closed-form derivatives."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adcli import fd

EPS = 2.0 ** -52


def test_step_is_cube_root_of_epsilon_scaled_by_x():
    assert fd.step(0.5) == pytest.approx(EPS ** (1 / 3), rel=1e-15)
    assert fd.step(0.0) == fd.step(-1.0) == fd.step(1.0)
    assert fd.step(-400.0) == pytest.approx(400 * EPS ** (1 / 3), rel=1e-15)
    assert 6.0e-6 < fd.step(1.0) < 6.1e-6


def _scalar(fn):
    return lambda p: [fn(p[0])]


def test_central_difference_is_close_but_not_exact():
    est = fd.estimate(_scalar(math.exp), [1.0], 0)
    assert est.central[0] != math.e
    assert abs(est.central[0] - math.e) < 1e-9
    assert abs(est.central[0] - math.e) <= est.error[0]
    assert est.error[0] < 1e-8


def test_realised_step_is_on_the_float_grid():
    est = fd.estimate(_scalar(math.sin), [0.3], 0)
    x = 0.3
    assert est.h == ((x + fd.step(x)) - (x - fd.step(x))) / 2


def test_richardson_cancels_the_h_squared_term():
    # with a large step, truncation dominates: Richardson gains orders of magnitude
    est = fd.estimate(_scalar(math.sin), [0.7], 0, h=1e-2)
    true = math.cos(0.7)
    assert abs(est.richardson[0] - true) < abs(est.central[0] - true) / 1000
    # the estimate of D(h)'s error is right to within a factor of two here
    assert abs(est.central[0] - true) == pytest.approx(est.error[0], rel=0.5)


def test_every_output_at_once():
    est = fd.estimate(lambda p: [p[0] * p[1], math.sin(p[0]) + p[1]], [2.0, 3.0], 0)
    assert est.central[0] == pytest.approx(3.0, rel=1e-9)
    assert est.central[1] == pytest.approx(math.cos(2.0), rel=1e-9)


def test_a_step_that_leaves_the_domain_raises():
    with pytest.raises(ValueError):
        fd.estimate(_scalar(math.sqrt), [1e-9], 0)


@settings(max_examples=200, deadline=None)
@given(st.floats(-20.0, 20.0), st.sampled_from(["sin", "exp", "atan", "cube"]))
def test_error_estimate_bounds_the_true_error(x, name):
    fns = {"sin": (math.sin, math.cos), "exp": (math.exp, math.exp),
           "atan": (math.atan, lambda t: 1 / (1 + t * t)),
           "cube": (lambda t: t ** 3 - 2 * t, lambda t: 3 * t * t - 2)}
    f, df = fns[name]
    est = fd.estimate(_scalar(f), [x], 0)
    assert abs(est.central[0] - df(x)) <= 4.0 * est.error[0] + 1e-15 * abs(df(x))


def test_error_curve_is_v_shaped():
    curve = dict(fd.error_curve(_scalar(math.exp), [1.0], 0, 0, math.e, fd.sweep_steps(1.0)))
    hs = sorted(curve)
    tiny, huge = hs[0], hs[-1]
    best = min(curve.values())
    assert best < 1e-9
    assert curve[tiny] > 100 * best        # round-off, ∝ ε/h
    assert curve[huge] > 100 * best        # truncation, ∝ h²


def test_error_curve_skips_steps_outside_the_domain():
    curve = fd.error_curve(_scalar(math.sqrt), [1e-3], 0, 0, 0.5 / math.sqrt(1e-3),
                           fd.sweep_steps(1e-3))
    assert curve and max(h for h, _ in curve) <= 1.0000001e-3     # 1e-2, 1e-1 skipped
