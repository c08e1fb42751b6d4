"""PyTorch CPU timings for `npm run bench` (tooling/bench/src/torch.mjs runs this with /usr/bin/python3).

Reads a JSON list of jobs from argv[1]: {"kind": "gemm", "m", "k", "n"} or {"kind": "gemv", "n", "k"},
and prints one JSON object: {"torch": version, "threads": n, "results": [median seconds per job]}.
"""
import json
import sys
import time

import torch


def median(values):
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def measure(run, min_samples=5, max_samples=15, min_time=0.3):
    for _ in range(2):
        run()
    samples = []
    while len(samples) < max_samples and (len(samples) < min_samples or sum(samples) < min_time):
        start = time.perf_counter()
        run()
        samples.append(time.perf_counter() - start)
    return median(samples)


def main():
    jobs = json.loads(sys.argv[1])
    threads = int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    results = []
    with torch.no_grad():
        for job in jobs:
            if job["kind"] == "gemm":
                a = torch.rand(job["m"], job["k"]) * 2 - 1
                b = torch.rand(job["k"], job["n"]) * 2 - 1
                out = torch.empty(job["m"], job["n"])
                results.append(measure(lambda: torch.matmul(a, b, out=out)))
            else:
                w = torch.rand(job["n"], job["k"]) * 2 - 1
                x = torch.rand(job["k"]) * 2 - 1
                out = torch.empty(job["n"])
                results.append(measure(lambda: torch.mv(w, x, out=out)))
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}))


if __name__ == "__main__":
    main()
