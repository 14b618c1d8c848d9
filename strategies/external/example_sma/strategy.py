"""example_sma: an SMA crossover as a quantnb stream plugin, standard library only.

Entry when SMA(fast) crosses above SMA(slow) (fast > slow now, fast <= slow on the previous bar), exit when it
crosses below: the same rule as quantnb's crossSignals(sma(close, fast), sma(close, slow)). A missing close
(NaN) restarts both averages, as quantnb's sma does.
"""
import math
from collections import deque

from quantnb_plugin import StreamStrategy


class RollingMean:
    """Mean of the last n values; undefined (None) until n values arrived since the last gap."""

    def __init__(self, n):
        self.n = n
        self.window = deque()
        self.total = 0.0

    def push(self, x):
        if math.isnan(x):
            self.window.clear()
            self.total = 0.0
            return None
        self.window.append(x)
        self.total += x
        if len(self.window) > self.n:
            self.total -= self.window.popleft()
        if len(self.window) < self.n:
            return None
        return math.fsum(self.window) / self.n


class SmaCrossover(StreamStrategy):
    def initialize(self, config):
        reply = super().initialize(config)
        self.fast = RollingMean(int(self.params["fast"]))
        self.slow = RollingMean(int(self.params["slow"]))
        self.previous = None  # (fast, slow) of the previous bar
        return reply

    def on_candle(self, candle, context):
        f = self.fast.push(candle["close"])
        s = self.slow.push(candle["close"])
        previous, self.previous = self.previous, (f, s) if f is not None and s is not None else None
        if previous is None or self.previous is None:
            return {"type": "hold"}
        (f0, s0), (f1, s1) = previous, self.previous
        if f1 > s1 and f0 <= s0:
            return {"type": "entry", "reason": f"sma{self.fast.n} crossed above sma{self.slow.n}"}
        if f1 < s1 and f0 >= s0:
            return {"type": "exit", "reason": f"sma{self.fast.n} crossed below sma{self.slow.n}"}
        return {"type": "hold"}


if __name__ == "__main__":
    SmaCrossover().run()
