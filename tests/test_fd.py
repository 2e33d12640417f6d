"""Central differences, Richardson and the error estimate against closed-form derivatives."""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adcli.checking import fd

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


# -- the Richardson ratio test ---------------------------------------------------------------------
@pytest.mark.parametrize("fn, x", [
    (lambda t: 1.0 / (1.0 - t), 0.999999),    # a pole 1e-6 away, inside the step 6e-6
    (math.tan, 1.5707963),                     # π/2 is 2.7e-8 away
    (math.sin, 1e10),                          # the step 6e4 spans ~10⁴ periods
    (lambda t: math.floor(t * 1e5), 0.3),      # a jump within 4h
])
def test_a_step_outside_the_h_squared_regime_is_flagged(fn, x):
    est = fd.estimate(_scalar(fn), [x], 0)
    assert est.asymptotic == [False]
    assert not fd.RATIO_LO <= est.ratio[0] <= fd.RATIO_HI


def test_near_a_pole_the_ratio_is_a_quarter():
    # D(h) ≈ −1/h² when the pole sits well inside the step: each doubling divides it by 4
    est = fd.estimate(_scalar(lambda t: 1.0 / (1.0 - t)), [1.0 - 1e-8], 0)
    assert est.ratio[0] == pytest.approx(0.25, rel=1e-3)


@settings(max_examples=300, deadline=None)
@given(st.floats(-20.0, 20.0), st.sampled_from(["sin", "exp", "atan", "cube", "log1p2"]))
def test_smooth_functions_pass_the_ratio_test(x, name):
    fns = {"sin": math.sin, "exp": math.exp, "atan": math.atan,
           "cube": lambda t: t ** 3 - 2 * t, "log1p2": lambda t: math.log1p(t * t)}
    est = fd.estimate(_scalar(fns[name]), [x], 0)
    assert est.asymptotic == [True]
    if est.ratio[0] is not None:          # truncation dominated: then the ratio is near 4
        assert est.ratio[0] == pytest.approx(4.0, rel=0.5)


def test_the_ratio_is_four_when_truncation_dominates():
    est = fd.estimate(_scalar(math.sin), [0.7], 0, h=1e-2)
    assert est.ratio[0] == pytest.approx(4.0, rel=1e-3) and est.asymptotic == [True]


def test_round_off_dominated_differences_skip_the_ratio_test():
    est = fd.estimate(_scalar(lambda t: t * t), [3.0], 0)    # D(h) exact up to round-off
    assert est.ratio == [None] and est.asymptotic == [True]


def test_a_4h_step_outside_the_domain_only_skips_the_ratio_test():
    x = 2e-5                                   # x − 4h < 0 < x − 2h
    assert x - 4 * fd.step(x) < 0 < x - 2 * fd.step(x)
    est = fd.estimate(_scalar(math.sqrt), [x], 0)
    assert est.ratio == [None] and est.asymptotic == [True]
    assert abs(est.central[0] - 0.5 / math.sqrt(x)) <= 4 * est.error[0]


# -- round-off from intermediates (``noise``) -----------------------------------------------------
# f = log(x + 1e6) − log(1e6) at 1: |f| ≈ 1e-6, but log(x + 1e6) ≈ 13.8 is rounded
# in each evaluation.  Σ|vᵢ|·|∂f/∂vᵢ| over the x-dependent nodes: |x+1e6|·1/(x+1e6) + 13.8.
def _cancelling(p):
    return [math.log(p[0] + 1e6) - math.log(1e6)]


def test_output_size_underestimates_round_off_when_intermediates_cancel():
    est = fd.estimate(_cancelling, [1.0], 0)
    true = 1.0 / (1.0 + 1e6)
    assert abs(est.central[0] - true) > 4.0 * est.error[0]     # the old estimate fails


def test_intermediate_sizes_bound_the_round_off():
    noise = [1.0 + math.log(1.0 + 1e6)]
    est = fd.estimate(_cancelling, [1.0], 0, noise=noise)
    true = 1.0 / (1.0 + 1e6)
    assert abs(est.central[0] - true) <= 4.0 * est.error[0]
    assert est.error[0] < 1e-8            # still a useful estimate, not a shrug
    # the output size stays the floor: a noise below |f| changes nothing
    assert fd.estimate(_scalar(math.exp), [1.0], 0, noise=[0.0]).error == \
        fd.estimate(_scalar(math.exp), [1.0], 0).error


def test_mpmath_values_and_a_digits_epsilon():
    import mpmath
    with mpmath.workdps(60):
        eps = mpmath.mpf(10) ** -50
        est = fd.estimate(lambda p: [mpmath.exp(p[0])], [mpmath.mpf(1)], 0, eps=eps)
        assert est.h == pytest.approx(float(eps ** (mpmath.mpf(1) / 3)), rel=1e-12)
        assert abs(est.central[0] - mpmath.e) <= 4 * est.error[0]
        assert abs(est.central[0] - mpmath.e) < mpmath.mpf(10) ** -32
        assert abs(est.richardson[0] - mpmath.e) < abs(est.central[0] - mpmath.e) / 1e6
        assert est.asymptotic == [True]
