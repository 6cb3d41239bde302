# Independent reference values: Python statistics + mpmath (regularized incomplete beta for the t tail).
from statistics import mean, variance, stdev
import mpmath as mp
mp.mp.dps = 30
def welch(a, b):
    va, vb = variance(a)/len(a), variance(b)/len(b)
    t = (mean(a)-mean(b))/mp.sqrt(va+vb)
    df = (va+vb)**2/(va**2/(len(a)-1)+vb**2/(len(b)-1))
    p = mp.betainc(df/2, mp.mpf(1)/2, 0, df/(df+t*t), regularized=True)
    return t, df, p
def d(a, b):
    na, nb = len(a), len(b)
    sp = mp.sqrt(((na-1)*variance(a)+(nb-1)*variance(b))/(na+nb-2))
    return (mean(a)-mean(b))/sp
A=[0.41,0.52,0.38,0.47,0.44,0.50]; B=[0.30,0.27,0.35,0.22,0.31]
print("welch1", welch(A,B), "d1", d(A,B), "sdA", stdev(A))
C=[4.526-0.009, 4.526, 4.526+0.009]; D=[4.875-0.020,4.875,4.875+0.020]
print("welch2", welch(C,D), d(C,D))
E=[1,2,3,4,5,6,7,8,9,10]; F=[2,4,1,5,3]
print("welch3", welch(E,F), d(E,F))
import math
print("H", -sum(p*math.log2(p) for p in [3/8,3/8,2/8]), -sum(p*math.log2(p) for p in [1/4]*4))

# Student's pooled-variance and paired t-tests (issue 12): mpmath as above, cross-checked with scipy.stats.
def student(a, b):
    na, nb = len(a), len(b)
    ss = lambda x: (len(x)-1)*variance(x) if len(x) > 1 else 0
    df = na+nb-2
    sp2 = (ss(a)+ss(b))/df
    t = (mean(a)-mean(b))/mp.sqrt(sp2*(mp.mpf(1)/na+mp.mpf(1)/nb))
    return t, df, mp.betainc(mp.mpf(df)/2, mp.mpf(1)/2, 0, df/(df+t*t), regularized=True)
def paired(a, b):
    d = [x-y for x, y in zip(a, b)]
    t = mean(d)/mp.sqrt(variance(d)/len(d))
    df = len(d)-1
    return t, df, mp.betainc(mp.mpf(df)/2, mp.mpf(1)/2, 0, df/(df+t*t), regularized=True)
print("student1", student(A,B))
print("student3", student(E,F))
print("student-one", student([7],[1,2,3]))
T=[0.31,0.28,0.40,0.35,0.22,0.30,0.27]; R=[0.12,0.15,0.20,0.09,0.14,0.18,0.11]
print("paired1", paired(T,R))
print("paired-ties", paired([1,2,3,4],[1,3,2,4]))
try:
    from scipy import stats
    print("scipy student1", stats.ttest_ind(A,B,equal_var=True))
    print("scipy student3", stats.ttest_ind(E,F,equal_var=True))
    print("scipy student-one", stats.ttest_ind([7],[1,2,3],equal_var=True))
    print("scipy paired1", stats.ttest_rel(T,R))
    print("scipy paired-ties", stats.ttest_rel([1,2,3,4],[1,3,2,4]))
    print("scipy welch1", stats.ttest_ind(A,B,equal_var=False))
except ImportError:
    pass

# Wilson score intervals (issue 15, arena safety rates): scipy.stats.binomtest(k, n).proportion_ci(method="wilson").
from scipy.stats import binomtest
for k, n in [(0, 10), (1, 10), (3, 7), (10, 10), (5, 200), (1, 2)]:
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    print("wilson", k, n, float(ci.low), float(ci.high))
