"""PyTorch CPU as a peer that `npm run bench` times in the same rounds as ours (tooling/bench/src/torch.mjs).

Started once with argv[1] = threads and argv[2] = re-warm threshold in seconds, it prints one JSON line
{"torch": version, "threads": n} and then answers one JSON line per request line on stdin:
  {"op": "prepare", "kind": "gemm", "m", "k", "n"} or {"op": "prepare", "kind": "gemv", "n", "k"} -> {"id": i}
  {"op": "run", "id": i}  -> {"seconds": s}, the time of one call measured here (so pipe latency is not
                              counted); a call whose previous sample was shorter than the threshold gets
                              one untimed call right before it, as the bench gives ours
  {"op": "free", "id": i} -> {}
Any failure is answered {"error": message}.
"""
import json
import sys
import time

import torch


def prepare(job):
    if job["kind"] == "gemm":
        a = torch.rand(job["m"], job["k"]) * 2 - 1
        b = torch.rand(job["k"], job["n"]) * 2 - 1
        out = torch.empty(job["m"], job["n"])
        return lambda: torch.matmul(a, b, out=out)
    if job["kind"] == "gemv":
        w = torch.rand(job["n"], job["k"]) * 2 - 1
        x = torch.rand(job["k"]) * 2 - 1
        out = torch.empty(job["n"])
        return lambda: torch.mv(w, x, out=out)
    raise ValueError(f"unknown job kind {job['kind']!r} (gemm or gemv)")


def main():
    threads = int(sys.argv[1])
    rewarm_below = float(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    torch.set_grad_enabled(False)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    jobs = {}
    last = {}
    next_id = 0
    for line in sys.stdin:
        try:
            request = json.loads(line)
            op = request["op"]
            if op == "prepare":
                jobs[next_id] = prepare(request)
                reply = {"id": next_id}
                next_id += 1
            elif op == "run":
                job_id = request["id"]
                run = jobs[job_id]
                if last.get(job_id, 0.0) < rewarm_below:
                    run()
                start = time.perf_counter()
                run()
                last[job_id] = time.perf_counter() - start
                reply = {"seconds": last[job_id]}
            elif op == "free":
                jobs.pop(request["id"], None)
                reply = {}
            else:
                raise ValueError(f"unknown op {op!r} (prepare, run or free)")
        except Exception as error:  # reported to the bench, which prints it and skips PyTorch
            reply = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
