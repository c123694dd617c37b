"""When to try the next sync: exponential backoff with full jitter while head office is away."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class SyncSchedule:
    """Seconds until the next automatic sync, from how the last ones went.

    Full jitter (a random delay up to the exponential cap) keeps a fleet of
    laptops that lost the network together from coming back all at once.
    """

    first_retry: float = 5.0
    longest_wait: float = 300.0
    # Even with nothing to send, look for new work this often while online.
    poll_every: float = 120.0
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def succeeded(self) -> float:
        self.failures = 0
        return self.poll_every

    def failed(self) -> float:
        self.failures += 1
        cap = min(self.longest_wait, self.first_retry * 2 ** (self.failures - 1))
        return self.rng.uniform(1.0, cap)
