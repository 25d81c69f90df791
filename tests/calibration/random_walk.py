"""Hourly LLM usage with a known level wander, for the calibration study of `ptsim backtest`.

The daily level's log is a random walk with steps of sd WANDER; each hour is 4e7 input tokens x
a business-day shape x a weekday weight x lognormal AR(1) noise (CV 0.25, rho 0.6); output is a
fifth of input. No bursts, no gaps: the only forecast risk is the wander.

Usage: python3 random_walk.py WANDER SEED DAYS > history.csv   (standard library only)
"""
import datetime
import math
import random
import sys

wander, seed, days = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
hod = [0.4, 0.35, 0.3, 0.3, 0.35, 0.5, 0.7, 1.0, 1.3, 1.5, 1.6, 1.6, 1.5, 1.5, 1.6, 1.5, 1.4,
       1.3, 1.2, 1.1, 0.9, 0.7, 0.6, 0.5]
mean = sum(hod) / 24
hod = [h / mean for h in hod]
dow = [1.1, 1.1, 1.1, 1.1, 1.0, 0.8, 0.8]
start = datetime.datetime(2024, 1, 1)
level, x = 0.0, 0.0
sigma = math.sqrt(math.log(1 + 0.25 ** 2))
print("timestamp,input_tokens,output_tokens")
for h in range(days * 24):
    t = start + datetime.timedelta(hours=h)
    if h % 24 == 0:
        level += rng.gauss(0, wander)
    x = 0.6 * x + math.sqrt(1 - 0.36) * rng.gauss(0, 1)
    v = 4e7 * math.exp(level) * hod[t.hour] * dow[t.weekday()] * math.exp(sigma * x - sigma ** 2 / 2)
    print(f"{t.strftime('%Y-%m-%dT%H:%M:%SZ')},{round(v)},{round(v * 0.2)}")
