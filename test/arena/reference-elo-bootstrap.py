"""Independent check of psysim's Elo bootstrap (src/arena/elo-bootstrap.ts), in Python.

Re-implements the seed derivation (FNV-1a, core/random.ts deriveSeed), the mulberry32
generator, online Elo (K=4, base 10, scale 400, start 1000) and numpy's default quantile,
and prints the interval bounds that test/arena/elo-bootstrap.test.ts asserts.
Run: python3 test/arena/reference-elo-bootstrap.py
"""
import numpy as np

M32 = 0xFFFFFFFF


def imul(a, b):
    return (a * b) & M32


def derive_seed(seed, label):
    h = (seed ^ 0x811C9DC5) & M32
    for ch in label:
        h ^= ord(ch)
        h = imul(h, 0x01000193)
    return h


class Mulberry32:
    def __init__(self, seed):
        self.state = seed & M32

    def next(self):
        self.state = (self.state + 0x6D2B79F5) & M32
        t = self.state
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & M32
        return ((t ^ (t >> 14)) & M32) / 4294967296


SCORE = {"a": 1.0, "b": 0.0, "tie": 0.5, "both_bad": 0.5}


def elo(battles):
    r = {}
    for a, b, w in battles:
        ra, rb = r.get(a, 1000.0), r.get(b, 1000.0)
        e = 1 / (1 + 10 ** ((rb - ra) / 400))
        d = 4 * (SCORE[w] - e)
        r[a], r[b] = ra + d, rb - d
    return r


def battles():
    # The fixed input of the test: in time order already.
    out = []
    pattern = [("A", "B", "a"), ("B", "C", "tie"), ("A", "C", "a"), ("C", "B", "b"),
               ("A", "B", "b"), ("C", "A", "both_bad"), ("B", "A", "b"), ("C", "B", "a")]
    for k in range(40):
        out.append(pattern[k % len(pattern)])
    return out


def main():
    data = battles()
    n = len(data)
    rng = Mulberry32(derive_seed(11, "elo-bootstrap"))
    samples = {m: [] for m in "ABC"}
    for _ in range(200):
        draw = sorted(int(rng.next() * n) for _ in range(n))
        for m, v in elo([data[i] for i in draw]).items():
            samples[m].append(v)
    point = elo(data)
    for m in "ABC":
        lo, hi = np.quantile(samples[m], [0.025, 0.975])
        print(f"[\"{m}\", {point[m]!r}, {float(lo)!r}, {float(hi)!r}],")


main()
