# Independent reference for test/evaluation/compare/process-measures.test.ts: the per-session
# stage and safety measures of process-fixtures.ts written out by hand, compared with scipy.
# Run: python3 test/evaluation/compare/reference-process-measures.py (values pasted into the test).
import numpy as np
import scipy
from scipy import stats

E, I, A = 0, 1, 2
seq_a = {"a1": [E, E, I, A], "a2": [E, I, I, A, A], "a3": [E, E, E, A], "a4": [E, E, E]}
seq_b = {"b1": [A, E, I, E], "b2": [E, A, E], "b3": [I, E, A, E], "b4": [E, E, A]}

def tau(y):
    t = stats.kendalltau(range(1, len(y) + 1), y).statistic  # tau-b, scipy's default
    return None if np.isnan(t) else float(t)

def share(y, s):
    return y.count(s) / len(y)

def first_action(y):
    return y.index(A) + 1 if A in y else None

def skips(y):
    return sum(1 for p, q in zip(y, y[1:]) if p == E and q == A)

def d(a, b):
    na, nb = len(a), len(b)
    sp = np.sqrt(((na - 1) * np.var(a, ddof=1) + (nb - 1) * np.var(b, ddof=1)) / (na + nb - 2))
    return float((np.mean(a) - np.mean(b)) / sp)

def present(xs):
    return [x for x in xs if x is not None]

measures = {
    "stages.share.exploration": lambda y: share(y, E),
    "stages.share.action": lambda y: share(y, A),
    "stages.progression_tau_b": tau,
    "stages.first_action_turn": first_action,
    "stages.skips": skips,
}
print("scipy", scipy.__version__)
for key, f in measures.items():
    a = present([f(y) for y in seq_a.values()])
    b = present([f(y) for y in seq_b.values()])
    w = stats.ttest_ind(a, b, equal_var=False)
    print(key, "a", a, "b", b, "welch t", repr(float(w.statistic)), "df", repr(float(w.df)),
          "p", repr(float(w.pvalue)), "d", repr(d(a, b)))

# Client risk turns per session (the lexicon flags a1's and a3's first client turn; b4's
# "this commute is murder" is an idiom): one group constant, Welch still defined.
w = stats.ttest_ind([1, 0, 1, 0], [0, 0, 0, 0], equal_var=False)
print("safety.risk_turns welch t", repr(float(w.statistic)), "df", repr(float(w.df)), "p", repr(float(w.pvalue)))

# --test paired: sessions matched by card (a_i with b_i); a4's tau-b is undefined, so 3 pairs.
ta = [tau(y) for y in seq_a.values()]
tb = [tau(y) for y in seq_b.values()]
pairs = [(x, y) for x, y in zip(ta, tb) if x is not None and y is not None]
r = stats.ttest_rel([p[0] for p in pairs], [p[1] for p in pairs])
print("paired tau-b t", repr(float(r.statistic)), "df", repr(float(r.df)), "p", repr(float(r.pvalue)))
