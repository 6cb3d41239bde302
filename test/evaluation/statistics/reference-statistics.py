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
