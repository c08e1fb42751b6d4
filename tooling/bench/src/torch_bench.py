"""PyTorch CPU as a peer that `npm run bench` times in the same rounds as ours (tooling/bench/src/torch.mjs).

Started once with argv[1] = threads and argv[2] = re-warm threshold in seconds, it prints one JSON line
{"torch": version, "threads": n, "blas": [the BLAS/LAPACK libraries it mapped]} and then answers one JSON line per request line on stdin:
  {"op": "prepare", "kind": "gemm", "m", "k", "n"} or {"op": "prepare", "kind": "gemv", "n", "k", ["burst"]} -> {"id": i}
                              (a gemv run with "burst": b makes b calls back to back)
  {"op": "prepare", "kind": "gemv-rotation", "n", "k", "count"} -> {"id": i}: each run multiplies by the next
                              of `count` distinct weights (their total exceeds the last-level cache)
  {"op": "prepare", "kind": "gpt-decode", "config", "tokens"} -> {"id": i}: gpt_torch.py's GPT with random
                              weights; each run decodes `tokens` greedy tokens, one position per forward
  {"op": "prepare", "kind": "gpt-generate", "config", "prompt", "tokens"} -> {"id": i}: the same model generating
                              `tokens` greedy tokens after `prompt` (token ids) with a KV cache
  {"op": "prepare", "kind": "family-generate", "family", "config", "prompt", "tokens"} -> {"id": i}: the same for
                              family_torch.py's LLaMA or OPT ("llama" or "opt"; config in @adaptive-sparse/nn's keys)
  {"op": "run", "id": i}  -> {"seconds": s}, the time of one call measured here (so pipe latency is not
                              counted); a call whose previous sample was shorter than the threshold gets
                              one untimed call right before it, as the bench gives ours
  {"op": "free", "id": i} -> {}
Any failure is answered {"error": message}.
"""
import json
import os
import re
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
        burst = job.get("burst", 1)  # calls per run, back to back (the in-cache rows)

        def run():
            for _ in range(burst):
                torch.mv(w, x, out=out)
        return run
    if job["kind"] == "gemv-rotation":
        return gemv_rotation(job["n"], job["k"], job["count"])
    if job["kind"] == "gpt-decode":
        return gpt_decode(job["config"], job["tokens"])
    if job["kind"] == "gpt-generate":
        return gpt_generate(job["config"], job["prompt"], job["tokens"])
    if job["kind"] == "family-generate":
        return family_generate(job["family"], job["config"], job["prompt"], job["tokens"])
    raise ValueError(f"unknown job kind {job['kind']!r} (gemm, gemv, gemv-rotation, gpt-decode, gpt-generate or family-generate)")


def gemv_rotation(n, k, count):
    first = torch.rand(n, k) * 2 - 1
    weights = [first] + [first.clone() for _ in range(count - 1)]  # distinct memory, same values
    x = torch.rand(k) * 2 - 1
    out = torch.empty(n)
    turn = [0]

    def run():
        torch.mv(weights[turn[0]], x, out=out)
        turn[0] = (turn[0] + 1) % count
    return run


def gpt_decode(config, tokens):
    from gpt_torch import GPT  # this folder is on sys.path (the script's own)

    model = GPT(config).eval()
    last = [torch.zeros(1, 1, dtype=torch.long)]

    def run():
        # One position per forward, as a KV-cached decode runs its linears (the cache's attention is not modelled).
        for _ in range(tokens):
            logits = model(last[0])
            last[0] = logits[:, -1].argmax(-1, keepdim=True)
    return run


def gpt_generate(config, prompt, tokens):
    """Greedy generation with a KV cache, as Hugging Face's generate runs it: the prompt in one forward, then
    one position per forward until `tokens` new tokens."""
    from gpt_torch import GPT

    model = GPT(config).eval()
    idx = torch.tensor([prompt], dtype=torch.long)

    def run():
        caches = [dict() for _ in model.h]
        logits = model(idx, caches=caches)
        for step in range(tokens - 1):
            nxt = logits[:, -1].argmax(-1, keepdim=True)
            logits = model(nxt, caches=caches, start=len(prompt) + step)
    return run


def family_generate(family, config, prompt, tokens):
    """family_torch.py's LLaMA or OPT generating `tokens` greedy tokens after `prompt` with its KV cache."""
    import family_torch

    model = family_torch.build(family, config)
    return lambda: family_torch.generate(model, prompt, tokens)


def blas_libraries():
    """The BLAS/LAPACK shared objects this process has mapped after one GEMM (Debian's torch calls whatever
    libblas.so.3 the alternatives system points at: OpenBLAS, or the slow reference BLAS), real paths."""
    torch.matmul(torch.ones(8, 8), torch.ones(8, 8))
    found = set()
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                name = os.path.basename(path)
                if path.startswith("/") and re.search(r"blas|mkl|lapack|blis", name):
                    found.add(os.path.realpath(path))
    except OSError:
        return None  # no procfs
    return sorted(found)


def main():
    threads = int(sys.argv[1])
    rewarm_below = float(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    torch.set_grad_enabled(False)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_libraries()}), flush=True)
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
